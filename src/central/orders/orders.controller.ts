import { Body, Controller, Get, Param, Post, Req, UseGuards } from '@nestjs/common';
import { BearerGuard, Roles, type CentralPrincipal } from '../auth/bearer.guard.js';
import { CreateOrderDto, OrderCaRequestDto, type OrderView } from './order.dto.js';
import { OrdersService, OrderNotFoundError, view } from './orders.service.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { toPem } from '../../pki/pem.js';

type AuthedRequest = { principal: CentralPrincipal };

@Controller('api')
@UseGuards(BearerGuard)
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly pki: CentralPkiService,
  ) {}

  @Post('orders')
  @Roles('brand-owner')
  create(@Body() dto: CreateOrderDto): Promise<OrderView> {
    return this.orders.create(dto);
  }

  @Get('orders')
  @Roles('brand-owner')
  list(): Promise<OrderView[]> {
    return this.orders.list();
  }

  @Get('orders/:orderId')
  @Roles('brand-owner', 'station')
  async get(@Param('orderId') orderId: string, @Req() req: AuthedRequest): Promise<OrderView> {
    return view(await this.orders.get(orderId, req.principal.stationId));
  }

  /** The order's signed quota grant: base64 DER and PEM (the file a supervisor carries to an air-gapped line). */
  @Get('orders/:orderId/grant')
  @Roles('brand-owner', 'station')
  async grant(@Param('orderId') orderId: string, @Req() req: AuthedRequest): Promise<{ orderId: string; grant: string; pem: string }> {
    const order = await this.orders.get(orderId, req.principal.stationId);
    if (!order.grantDer) throw new OrderNotFoundError(`order ${orderId} has no grant`);
    return { orderId, grant: order.grantDer.toString('base64'), pem: toPem(order.grantDer, 'QUOTA GRANT') };
  }

  @Post('orders/:orderId/order-ca')
  @Roles('station')
  async orderCa(@Param('orderId') orderId: string, @Body() dto: OrderCaRequestDto, @Req() req: AuthedRequest) {
    const { certificate, chain } = await this.orders.signOrderCa(orderId, req.principal.stationId!, Buffer.from(dto.csr, 'base64'));
    return { certificate: certificate.toString('base64'), chain: chain.map((c) => c.toString('base64')) };
  }

  @Get('pki/root')
  rootPem(): { pem: string } {
    return { pem: toPem(this.pki.rootCertificate()) };
  }
}
