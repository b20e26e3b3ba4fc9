import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { IsBase64, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { BearerGuard, Roles, type CentralPrincipal } from '../auth/bearer.guard.js';
import { AuditIngestService, BatchRefusedError, type IngestResult } from './audit-ingest.service.js';
import { AuditSenderGuard, type AuditRequest } from './audit-sender.guard.js';
import { readRawBody } from './raw-body.js';
import { AuditFileFormatError, formatReceiptFile, readBatchFile } from '../../audit/audit-batch-file.js';
import { IngestRefusals } from './ingest-refusals.js';

class AuditBatchDto {
  /** base64 DER CMS SignedData of an audit batch */
  @IsString() @IsNotEmpty() @MaxLength(12_000_000) @IsBase64() batch: string;
}
class StationParam {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId: string;
}

/** A batch file of a few weeks of an air-gapped line fits; a longer stretch is exported in ranges. */
export const MAX_BATCH_FILE_BYTES = 64 * 1024 * 1024;

@Controller('api/audit')
export class AuditIngestController {
  constructor(
    private readonly ingest: AuditIngestService,
    private readonly refusals: IngestRefusals,
  ) {}

  /** One batch as base64 in JSON, from a station by its API token (the first sync transport). */
  @Post('batches')
  @HttpCode(200)
  @UseGuards(BearerGuard)
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

  /**
   * A batch file: the body is one signed batch (DER, application/cms) or a file of consecutive
   * batches (PEM "CMS" blocks, as `npm run audit -- export --signed` writes it). From a station
   * over mutual TLS or with its token, or from the brand owner importing a file carried from an
   * air-gapped station. Answers with the receipt, also as a receipt file (PEM) for the station.
   */
  @Post('batch-files')
  @HttpCode(200)
  @UseGuards(AuditSenderGuard)
  @Roles('station', 'brand-owner')
  async batchFile(@Req() req: AuditRequest) {
    const body = await readRawBody(req, MAX_BATCH_FILE_BYTES);
    let batches: Buffer[];
    try {
      batches = readBatchFile(body);
    } catch (err) {
      if (err instanceof AuditFileFormatError) throw new BatchRefusedError('BATCH_MALFORMED', 422, err.message);
      throw err;
    }
    const sender = req.principal!.role === 'station' ? req.principal!.stationId! : null;
    const r: IngestResult = await this.ingest.ingestBatches(sender, batches).catch(async (err: unknown) => {
      if (err instanceof BatchRefusedError && sender) await this.refusals.record(sender, err.code, err.message);
      throw err;
    });
    return {
      stationId: r.stationId,
      toSeq: r.toSeq,
      headHash: r.headHash,
      stored: r.stored,
      batches: batches.length,
      authenticatedBy: req.authenticatedBy,
      receipt: r.receipt.toString('base64'),
      receiptFile: formatReceiptFile(r.receipt),
    };
  }

  @Get('stations/:stationId')
  @UseGuards(BearerGuard)
  @Roles('brand-owner')
  station(@Param() p: StationParam) {
    return this.ingest.stationState(p.stationId);
  }
}
