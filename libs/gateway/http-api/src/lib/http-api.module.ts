import { DynamicModule, Module } from '@nestjs/common';
import { AuthService } from './auth.service';
import { PingController } from './ping.controller';
import { SqlController } from './sql.controller';
import { WriteController } from './write.controller';

/**
 * CnosDB's REST surface. The module that `backends` brings must export the ports
 * LineProtocolWriter and SqlExecutor: gRPC clients in the gateway, in-process services in
 * standalone mode.
 */
@Module({})
export class HttpApiModule {
  static register(options: { backends: DynamicModule['imports'] }): DynamicModule {
    return {
      module: HttpApiModule,
      imports: options.backends ?? [],
      controllers: [PingController, WriteController, SqlController],
      providers: [AuthService],
    };
  }
}
