import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { IsBase64, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { BearerGuard, Roles, type CentralPrincipal } from '../auth/bearer.guard.js';
import { AuditIngestService, BatchRefusedError } from './audit-ingest.service.js';
import { IngestRefusals } from './ingest-refusals.js';

class AuditBatchDto {
  /** base64 DER CMS SignedData of an audit batch */
  @IsString() @IsNotEmpty() @MaxLength(12_000_000) @IsBase64() batch: string;
}
class StationParam {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId: string;
}

@Controller('api/audit')
@UseGuards(BearerGuard)
export class AuditIngestController {
  constructor(
    private readonly ingest: AuditIngestService,
    private readonly refusals: IngestRefusals,
  ) {}

  @Post('batches')
  @HttpCode(200)
  @Roles('station')
  async batch(@Body() dto: AuditBatchDto, @Req() req: { principal: CentralPrincipal }) {
    const stationId = req.principal.stationId!;
    const r = await this.ingest.ingest(stationId, Buffer.from(dto.batch, 'base64')).catch(async (err: unknown) => {
      // a gap or fork is an anomaly for the brand owner, not only an answer to the station
      if (err instanceof BatchRefusedError) await this.refusals.record(stationId, err.code, err.message);
      throw err;
    });
    return { receipt: r.receipt.toString('base64'), toSeq: r.toSeq, headHash: r.headHash, stored: r.stored };
  }

  @Get('stations/:stationId')
  @Roles('brand-owner')
  station(@Param() p: StationParam) {
    return this.ingest.stationState(p.stationId);
  }
}
