import { Body, Controller, Get, Header, HttpCode, Inject, Post, StreamableFile } from '@nestjs/common';
import { ApiDefaultResponse, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from './dto/api-error.dto.js';
import { DataSource } from 'typeorm';
import { CheckpointService } from '../audit/checkpoint.service.js';
import { AuditSyncService } from '../audit/audit-sync.service.js';
import { AuditLog } from '../audit/audit-log.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { formatAuditFile, readAuditFromDatabase } from '../../audit/audit-file.js';
import { RequiresRole, type Principal } from '../auth/roles.js';
import { CurrentPrincipal } from '../auth/current-principal.js';
import { LiveUpdates } from './live/live-updates.service.js';
import { AuditStateDto, AuditSyncResultDto, BatchFileRequestDto, CheckpointResultDto, ReceiptImportDto, ReceiptImportResultDto } from './dto/audit.dto.js';
import { OfflineBatchesService } from '../audit/offline-batches.service.js';

/** The audit chain's state: its head and the last signed checkpoint. */
@ApiTags('audit')
@ApiDefaultResponse({ type: ApiErrorDto, description: 'an error: status, code and message' })
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly ds: DataSource,
    private readonly checkpoints: CheckpointService,
    private readonly sync: AuditSyncService,
    private readonly audit: AuditLog,
    private readonly live: LiveUpdates,
    private readonly offline: OfflineBatchesService,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
  ) {}

  /** Head, last checkpoint, and what central has not yet acknowledged (the unsynced backlog). */
  @Get()
  @ApiOkResponse({ type: AuditStateDto })
  async state(): Promise<AuditStateDto> {
    const [head] = await this.ds.query(`SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`);
    return { head: head ?? null, checkpoint: await this.checkpoints.latest(), sync: await this.sync.state() };
  }

  /** Send the backlog to central now (the job does it every auditSyncIntervalMs anyway). */
  @Post('sync')
  @ApiCreatedResponse({ type: AuditSyncResultDto })
  async syncNow(): Promise<AuditSyncResultDto> {
    const acked = await this.sync.sync();
    this.live.changed();
    return { acked, sync: await this.sync.state() };
  }

  /** Sign a checkpoint of the head now (e.g. before exporting for an auditor). */
  @Post('checkpoints')
  @RequiresRole('supervisor')
  @ApiCreatedResponse({ type: CheckpointResultDto })
  async checkpoint(): Promise<CheckpointResultDto> {
    return { checkpoint: await this.checkpoints.checkpoint() };
  }

  /**
   * The whole chain as an audit file (docs/audit.md), for an air-gapped hand-over or an
   * auditor: `npm run audit -- verify FILE` checks it. The export itself is recorded first,
   * so the file ends with the record of its own export.
   */
  @Get('export')
  @RequiresRole('supervisor')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'the audit file: one JSON record per line, with signed checkpoints' })
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  async exportFile(@CurrentPrincipal() who: Principal): Promise<StreamableFile> {
    await this.audit.record('audit-exported', { actor: who.name, detail: `audit file exported by ${who.name}` });
    const data = readAuditFromDatabase(this.config.databasePath);
    const name = `audit-${this.config.stationId}-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
    return new StreamableFile(Buffer.from(formatAuditFile(data)), { disposition: `attachment; filename="${name}"` });
  }

  /**
   * Offline sync for an air-gapped line (docs/audit.md): the records central has not acknowledged
   * (or fromSeq..toSeq) as a batch file of signed batches, signed by the audit key in this
   * station's HSM. Carried to central and imported there; central's receipt comes back through
   * POST /api/audit/receipts. `npm run audit -- export --station URL --out FILE` calls this.
   */
  @Post('batch-files')
  @HttpCode(200)
  @RequiresRole('supervisor')
  @ApiProduces('application/x-pem-file')
  @ApiOkResponse({ description: 'the batch file: one PEM "CMS" block per signed batch, in chain order' })
  @Header('content-type', 'application/x-pem-file')
  async exportBatchFile(@Body() dto: BatchFileRequestDto, @CurrentPrincipal() who: Principal): Promise<StreamableFile> {
    const file = await this.offline.exportBatchFile(who.name, dto);
    this.live.changed();
    return new StreamableFile(Buffer.from(file.text), { disposition: `attachment; filename="${file.fileName}"` });
  }

  /** Central's receipt for an imported batch file: moves the acknowledged head as an online receipt would. */
  @Post('receipts')
  @HttpCode(200)
  @RequiresRole('supervisor')
  @ApiOkResponse({ type: ReceiptImportResultDto })
  async importReceipt(@Body() dto: ReceiptImportDto, @CurrentPrincipal() who: Principal): Promise<ReceiptImportResultDto> {
    const r = await this.offline.importReceipt(who.name, dto.receipt);
    this.live.changed();
    return r;
  }
}
