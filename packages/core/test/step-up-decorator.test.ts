/** RequireStepUp (TC39 standard decorators): recorded with the scope requirements, left out of scopes. */
import { describe, expect, it } from 'vitest'
import {
  createScopeDecorators,
  type HandlerWrapper,
} from '../src/decorators/create-scope-decorators.js'
import { declaredScopes, getRequirements } from '../src/decorators/get-requirements.js'

const wrap: HandlerWrapper = (original) => original
const { RequireScopes, RequireStepUp, Public } = createScopeDecorators(wrap)

@RequireScopes('payments:read')
class PaymentsController {
  list() {}
  @RequireStepUp({ acrValues: ['urn:example:mfa'], maxAge: 300 })
  @RequireScopes('payments:write')
  pay() {}
  @Public() health() {}
}

@RequireStepUp({ maxAge: 60 })
class AdminController {
  wipe() {}
}

describe('RequireStepUp', () => {
  it('adds a step-up requirement to the class and method requirements', () => {
    expect(getRequirements(PaymentsController, 'pay')).toEqual({
      public: false,
      requirements: [
        { scopes: ['payments:read'], match: 'all' },
        { scopes: ['payments:write'], match: 'all' },
        { acrValues: ['urn:example:mfa'], maxAge: 300 },
      ],
    })
    expect(getRequirements(PaymentsController, 'health')).toEqual({ public: true })
  })
  it('alone on a class makes every handler need it', () => {
    expect(getRequirements(AdminController, 'wipe')).toEqual({
      public: false,
      requirements: [{ maxAge: 60 }],
    })
  })
  it('is not a scope: declaredScopes leaves it out', () => {
    expect(declaredScopes(PaymentsController, AdminController)).toEqual([
      'payments:read',
      'payments:write',
    ])
  })
  it('checks its requirement at start-up', () => {
    expect(() => RequireStepUp({})).toThrow(/RequireStepUp\(\) needs acrValues, maxAge or both/)
    expect(() => RequireStepUp({ maxAge: -1 })).toThrow(/whole number of seconds/)
  })
})
