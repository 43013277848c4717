/**
 * The NestJS adapters of the harness (platform-express and platform-fastify). Their controllers
 * use legacy decorators, so they live in ./nest/, whose tsconfig.json turns them on.
 */
export { nestExpressApp, nestFastifyApp } from './nest/apps.js'
