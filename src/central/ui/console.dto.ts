import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches } from 'class-validator';
import { Type } from 'class-transformer';

const CRL_REASONS = [0, 1, 2, 3, 4, 5, 6, 9, 10];

/** One order against its quota: what stations issued and spoiled (their audit records) and what enrolled in the field. */
export class OrderSummaryDto {
  @ApiProperty() orderId: string;
  @ApiProperty() stationId: string;
  @ApiProperty() productModel: string;
  @ApiProperty() quota: number;
  @ApiProperty({ description: 'certificate-signed records central received' }) issued: number;
  @ApiProperty({ description: 'certificate-spoiled and issuance-voided records central received' }) spoiled: number;
  @ApiProperty({ description: 'distinct devices enrolled in the field' }) enrolled: number;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'the brand owner revoked the whole order' }) revoked: boolean;
  @ApiProperty() notAfter: string;
}

export class RefusalDto {
  @ApiProperty() code: string;
  @ApiProperty() message: string;
  @ApiProperty() firstAt: string;
  @ApiProperty() lastAt: string;
  @ApiProperty() attempts: number;
}

/** How central's copy of one station's audit chain stands. */
export class ChainStatusDto {
  @ApiProperty({ enum: ['ok', 'never-synced', 'refused', 'broken'], enumName: 'ChainState', description: 'refused: the latest batch was refused after the last receipt; broken: records missing or not linked' })
  state: 'ok' | 'never-synced' | 'refused' | 'broken';
  @ApiProperty() records: number;
  @ApiProperty() lastSeq: number;
  @ApiProperty({ nullable: true, type: String }) lastHash: string | null;
  @ApiProperty({ nullable: true, type: String }) lastReceiptAt: string | null;
  @ApiProperty({ description: 'sequence numbers below lastSeq central does not hold' }) missing: number;
  @ApiProperty({ description: 'records whose prevHash is not the hash of the record before' }) linkBreaks: number;
  @ApiPropertyOptional({ type: RefusalDto }) lastRefusal?: RefusalDto;
}

export class StationSummaryDto {
  @ApiProperty() stationId: string;
  @ApiProperty() orders: number;
  @ApiProperty() issued: number;
  @ApiProperty() spoiled: number;
  @ApiProperty() enrolled: number;
  @ApiProperty() tamperAlarms: number;
  @ApiProperty({ type: ChainStatusDto }) chain: ChainStatusDto;
}

export class ConsoleOverviewDto {
  @ApiProperty({ type: [OrderSummaryDto] }) orders: OrderSummaryDto[];
  @ApiProperty({ type: [StationSummaryDto] }) stations: StationSummaryDto[];
  @ApiProperty({ description: 'anomalies not cleared' }) openAnomalies: number;
  @ApiProperty() generatedAt: string;
}

/** Cumulative counts at the end of one time bucket. */
export class ActivityPointDto {
  @ApiProperty() at: string;
  @ApiProperty() issued: number;
  @ApiProperty() spoiled: number;
  @ApiProperty() enrolled: number;
  @ApiProperty() tamperAlarms: number;
}

export class ActivityDto {
  @ApiProperty() bucketMinutes: number;
  @ApiProperty({ nullable: true, type: Number, description: 'the quota of the order (or the sum of the station\'s orders)' }) quota: number | null;
  @ApiProperty({ type: [ActivityPointDto] }) points: ActivityPointDto[];
}

export class ActivityQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId?: string;
}

export const ANOMALY_KINDS = ['clone', 'unknown-device', 'audit-gap', 'audit-fork', 'audit-refused', 'tamper-alarm'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** Something the brand owner must look at, with where to drill down: a device or a station's records. */
export class AnomalyDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ANOMALY_KINDS, enumName: 'AnomalyKind' }) kind: AnomalyKind;
  @ApiProperty() at: string;
  @ApiProperty() open: boolean;
  @ApiProperty({ nullable: true, type: String }) stationId: string | null;
  @ApiProperty({ nullable: true, type: String }) orderId: string | null;
  @ApiProperty({ nullable: true, type: String }) deviceSerial: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'the station record to look at' }) seq: number | null;
  @ApiProperty() detail: string;
}

export class AuditRecordDto {
  @ApiProperty() stationId: string;
  @ApiProperty() seq: number;
  @ApiProperty() time: string;
  @ApiProperty() kind: string;
  @ApiProperty() actor: string;
  @ApiProperty({ nullable: true, type: String }) orderId: string | null;
  @ApiProperty({ nullable: true, type: String }) deviceSerial: string | null;
  @ApiProperty({ nullable: true, type: String }) fingerprint: string | null;
  @ApiProperty() outcome: string;
  @ApiProperty() detail: string;
  @ApiProperty() hash: string;
  @ApiProperty() prevHash: string;
  @ApiProperty() receivedAt: string;
}

export class StationRecordsDto {
  @ApiProperty() stationId: string;
  @ApiProperty({ type: ChainStatusDto }) chain: ChainStatusDto;
  @ApiProperty({ type: [AuditRecordDto] }) records: AuditRecordDto[];
  @ApiProperty({ type: [RefusalDto] }) refusals: RefusalDto[];
}

export class StationRecordsQueryDto {
  /** show the records around this one (default: the latest) */
  @ApiPropertyOptional({ type: Number }) @IsOptional() @Type(() => Number) @IsInt() around?: number;
}

export class EnrollmentDto {
  @ApiProperty() orderId: string;
  @ApiProperty() birthFingerprint: string;
  @ApiProperty() keyHash: string;
  @ApiProperty() certificateSerial: string;
  @ApiProperty() protocol: string;
  @ApiProperty() enrolledAt: string;
}

export class OperationalCertificateDto {
  @ApiProperty() serialHex: string;
  @ApiProperty() orderId: string;
  @ApiProperty() protocol: string;
  @ApiProperty() issuedAt: string;
  @ApiProperty() notAfter: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
}

export class EnrollmentEventDto {
  @ApiProperty() id: number;
  @ApiProperty() at: string;
  @ApiProperty() protocol: string;
  @ApiProperty() operation: string;
  @ApiProperty() outcome: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty() message: string;
  @ApiProperty({ nullable: true, type: String }) orderId: string | null;
}

export class DeviceRevocationDto {
  @ApiProperty({ enum: ['device', 'order'] }) scope: 'device' | 'order';
  @ApiProperty() orderId: string;
  @ApiProperty() reason: number;
  @ApiProperty() revokedAt: string;
}

/** Everything central knows about one device serial: the drill-down behind an anomaly. */
export class DeviceDetailDto {
  @ApiProperty() deviceSerial: string;
  @ApiProperty({ description: 'revoked (itself or its whole order)' }) revoked: boolean;
  @ApiProperty({ type: [AuditRecordDto] }) records: AuditRecordDto[];
  @ApiProperty({ type: [EnrollmentDto] }) enrollments: EnrollmentDto[];
  @ApiProperty({ type: [OperationalCertificateDto] }) certificates: OperationalCertificateDto[];
  @ApiProperty({ type: [EnrollmentEventDto] }) events: EnrollmentEventDto[];
  @ApiProperty({ type: [AnomalyDto] }) anomalies: AnomalyDto[];
  @ApiProperty({ type: [DeviceRevocationDto] }) revocations: DeviceRevocationDto[];
}

export class SerialParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/) serial: string;
}
export class OrderParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId: string;
}
export class StationParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9_-]{1,64}$/) stationId: string;
}

export class ConsoleRevokeDeviceDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId?: string;
  @ApiPropertyOptional({ enum: CRL_REASONS, description: 'RFC 5280 §5.3.1 CRLReason; default 0 (unspecified)' }) @IsOptional() @IsInt() @IsIn(CRL_REASONS) reason?: number;
}

export class ConsoleRevokeOrderDto {
  @ApiPropertyOptional({ enum: CRL_REASONS, description: 'RFC 5280 §5.3.1 CRLReason; default 0 (unspecified)' }) @IsOptional() @IsInt() @IsIn(CRL_REASONS) reason?: number;
}

export class RevocationResultDto {
  @ApiProperty({ enum: ['device', 'order'] }) scope: 'device' | 'order';
  @ApiProperty() orderId: string;
  @ApiProperty({ nullable: true, type: String }) deviceSerial: string | null;
  @ApiProperty() reason: number;
  @ApiProperty() revokedAt: string;
  @ApiProperty() certificatesRevoked: number;
}

export class UserEventDto {
  @ApiProperty() id: number;
  @ApiProperty() at: string;
  @ApiProperty() userName: string;
  @ApiProperty() kind: string;
  @ApiProperty() outcome: string;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty() detail: string;
}
