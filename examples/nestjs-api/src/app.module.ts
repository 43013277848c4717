/** The application module: bearerguard protects every route; the options come from main.ts. */
import { Module, type DynamicModule } from '@nestjs/common'
import { BearerguardModule, type BearerguardModuleOptions } from '@bearerguard/nestjs'
import { HealthController, OrdersController } from './orders.controller.js'

@Module({})
export class AppModule {
  static register(options: BearerguardModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [BearerguardModule.forRoot(options)],
      controllers: [HealthController, OrdersController],
    }
  }
}
