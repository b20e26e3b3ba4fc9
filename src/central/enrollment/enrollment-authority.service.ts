import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';
import { WriteSerializer } from '../../common/write-serializer.js';
import { BatchCommitter, type SqlStatement } from '../../common/batch-committer.js';
import { PreparedReads } from '../../common/prepared-reads.js';
import { isEnrollmentRuleRefusal } from './known-device.migration.js';
import { greenfieldEnrollmentRow } from './greenfield-enrollment-unit.migration.js';
import { serialInRange } from '../../common/serial-range.js';
import { sql } from '../../common/database-dialect.js';
import { inspectSpki } from '../../pki/spki.js';
import { nameAttribute } from '../../pki/name-reader.js';
import { isPrintableName } from './subject-name.js';
import { OID } from '../../pki/oids.js';
import { readCertificate } from '../../pki/certificate-reader.js';
import type { Signer } from '../../pki/signer.js';
import type { CaIdentity } from '../../pki/ca-certificates.js';
import type { KeyAlgorithm } from '../../pki/key-algorithm.js';
import { issueOperationalCertificate } from '../../pki/operational-certificate.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { ProductionOrderEntity } from '../database/entities.js';
import { CredentialClassifier, type Credential } from './requester-credentials.js';
import { EnrollmentRefusal } from './enrollment.errors.js';
import {
  DeviceEnrollmentEntity,
  DeviceRevocationEntity,
  EnrollmentEventEntity,
  CentralAlarmEntity,
  OperationalCertificateEntity,
} from './enrollment.entities.js';
import type {
  EnrollmentAuthority,
  EnrollmentOutcome,
  EnrollmentRequest,
  RequesterCredentials,
  RevocationOutcome,
} from './enrollment-authority.port.js';
import { normalizeSerialHex, type CertificateStatus, type CertificateStatusSource, type RevokedEntry, type RevocationReasonCode } from './certificate-status.port.js';
import { RevocationEvents } from './revocation-events.js';

const DAY_MS = 24 * 3600 * 1000;
const REASON_SUPERSEDED = 4;
const REASON_CESSATION = 5;

/** Why the database refused a greenfield enrollment, in one read: revoked? full? audited? enrolled before? */
const KNOWN_DEVICE = `SELECT (SELECT COUNT(*) FROM device_revocation WHERE order_id = ? AND (scope = 'order' OR device_serial = ?)) AS revoked,
    (SELECT COUNT(*) FROM production_order WHERE order_id = ? AND enrolled >= quota) AS at_quota,
    r.station_id AS station_id, r.order_id AS audited_order, e.birth_fingerprint AS enrolled_before
  FROM (SELECT 1 AS one) x
  LEFT JOIN device_registry r ON r.fingerprint = ?
  LEFT JOIN device_enrollment e ON e.order_id = ? AND e.device_serial = ?`;
/** A request whose key passed the key policy, with the key's type. */
type CheckedRequest = EnrollmentRequest & { keyAlgorithm: KeyAlgorithm };

interface KnownDevice {
  revoked: number | string;
  at_quota: number | string;
  station_id: string | null;
  audited_order: string | null;
  enrolled_before: string | null;
}

/** An operational certificate built and signed, and what its record holds beside the device's details. */
interface IssuedCertificate {
  outcome: Extract<EnrollmentOutcome, { status: 'issued' }>;
  record: { notAfter: string; confirmation: 'pending' | 'accepted' };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Central's enrollment authority (system.md §4.2, §7): one greenfield policy for EST and CMP.
 * A birth certificate enrolls a device once; later requests authenticate with the operational
 * certificate. Every decision is recorded in enrollment_event; clones and unaudited devices
 * also raise a central_alarm for the brand owner.
 */
@Injectable()
export class EnrollmentAuthorityService implements EnrollmentAuthority, CertificateStatusSource, OnModuleInit {
  private readonly log = new Logger('enrollment');
  private cmpSigner: { signer: Signer; certificate: Buffer; chain: Buffer[] } | null = null;
  private ca: { issuing: Buffer; chain: Buffer[]; root: Buffer } | null = null;
  /** the Operational CA with its HSM signer, looked up once: a token search per request costs more than the signature */
  private operationalCa: CaIdentity | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly pki: CentralPkiService,
    private readonly credentials: CredentialClassifier,
    private readonly writes: WriteSerializer,
    private readonly committer: BatchCommitter,
    private readonly reads: PreparedReads,
    private readonly revocations: RevocationEvents,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.pki.bootstrap();
    const op = await this.pki.caIdentity('operational-ca');
    this.operationalCa = op;
    const root = this.pki.rootCertificate();
    this.ca = { issuing: op.certificate, chain: [op.certificate, root], root };
    this.cmpSigner = await this.pki.endEntitySigner('cmp-signer', 'operational-ca', 'CMP Responder', ['1.3.6.1.5.5.7.3.28']);
  }

  caCertificates(): { issuing: Buffer; chain: Buffer[]; root: Buffer } {
    if (!this.ca) throw new Error('enrollment authority not initialised');
    return this.ca;
  }

  responseSigner(): { signer: Signer; certificate: Buffer; chain: Buffer[] } {
    if (!this.cmpSigner) throw new Error('enrollment authority not initialised');
    return this.cmpSigner;
  }

  async enroll(req: EnrollmentRequest): Promise<EnrollmentOutcome> {
    const now = new Date();
    let credential: Credential | null = null;
    try {
      // the requested key's type, inspected once and carried with the request
      const checked: CheckedRequest = { ...req, keyAlgorithm: this.checkKey(req.spki) };
      credential = await this.credentials.classify(req.requester, now);
      const outcome = credential.kind === 'birth' ? await this.greenfield(checked, credential, now) : await this.renewal(checked, credential, now);
      return outcome;
    } catch (err) {
      if (!(err instanceof EnrollmentRefusal)) throw err;
      const ctx = {
        orderId: err.context.orderId ?? (credential?.kind === 'birth' ? credential.order.orderId : credential?.certificate.orderId) ?? null,
        deviceSerial: err.context.deviceSerial ?? (credential?.kind === 'birth' ? credential.deviceSerial : credential?.certificate.deviceSerial) ?? null,
      };
      await this.record(req, 'refused', err.reason, err.message, ctx, sha256(req.requester.certificate), now);
      this.log.warn(`refused ${req.protocol} ${req.operation} for ${ctx.deviceSerial ?? 'unknown device'}: ${err.reason}: ${err.message}`);
      return { status: 'refused', reason: err.reason, message: err.message };
    }
  }

  /**
   * First enrollment with a birth certificate: every rule of system.md §4.2, then one operational
   * certificate. The rules that need the database (audited, not revoked, enrolled once, within
   * quota) are kept by the database itself on the enrollment's rows (known-device.migration.ts,
   * enrolled-quota.migration.ts): the certificate is built and signed, and the unit that records
   * it commits or is refused as a whole. Only a refused unit is read about, to answer with the
   * reason. A certificate whose unit was refused never leaves central: it was not issued.
   */
  private async greenfield(req: CheckedRequest, c: Extract<Credential, { kind: 'birth' }>, now: Date): Promise<EnrollmentOutcome> {
    if (req.operation === 'key-update') throw new EnrollmentRefusal('not-allowed', 'key update needs the operational certificate, not the birth certificate');
    const { order, deviceSerial } = c;
    const ctx = { orderId: order.orderId, deviceSerial };
    const birthFingerprint = c.identity.details.fingerprint;
    if (!serialInRange(deviceSerial, order.serialFirst, order.serialLast)) {
      throw new EnrollmentRefusal('out-of-range', `device serial ${deviceSerial} is outside order ${order.orderId}'s range ${order.serialFirst}..${order.serialLast}`, ctx);
    }
    const keyHash = sha256(req.spki);
    const issued = this.issue(req, { orderId: order.orderId, productModel: order.productModel, deviceSerial, hardwareModule: c.identity.hardwareModule }, keyHash, now);
    // counted, recorded and enrolled in one unit: one row through the view that writes them
    const unit = greenfieldEnrollmentRow({
      orderId: order.orderId,
      deviceSerial,
      birthFingerprint,
      keyHash,
      certificateSerial: issued.outcome.serialHex,
      certificate: issued.outcome.certificate,
      notAfter: issued.record.notAfter,
      enrolledAt: now.toISOString(),
      protocol: req.protocol,
      operation: req.operation,
      confirmation: issued.record.confirmation,
      message: `operational certificate ${issued.outcome.serialHex} issued`,
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.committer.commitRow(unit);
        return issued.outcome;
      } catch (err) {
        if (!isEnrollmentRuleRefusal(err)) throw err;
        const answer = await this.refusedEnrollment(req, c, keyHash, now);
        // nothing stands in the way any more (an audit batch arrived in between, say): once more
        if (answer) return answer;
        if (attempt === 2) throw err;
      }
    }
  }

  /**
   * Why the database refused a greenfield enrollment, judged on what is on record now, in the
   * order of system.md §4.2: revoked, not audited (pending while the birth certificate is young),
   * enrolled before (the same request again gets its certificate back; anything else is a clone),
   * over quota. Null when no rule stands in the way any more.
   */
  private async refusedEnrollment(req: CheckedRequest, c: Extract<Credential, { kind: 'birth' }>, keyHash: string, now: Date): Promise<EnrollmentOutcome | null> {
    const { order, deviceSerial } = c;
    const ctx = { orderId: order.orderId, deviceSerial };
    const birthFingerprint = c.identity.details.fingerprint;
    const [known] = await this.reads.all<KnownDevice>(KNOWN_DEVICE, [order.orderId, deviceSerial, order.orderId, birthFingerprint, order.orderId, deviceSerial]);
    if (Number(known.revoked) > 0) await this.refuseRevoked(order.orderId, deviceSerial);
    if (!known.station_id || known.audited_order !== order.orderId || known.station_id !== order.stationId) {
      const ageSeconds = (now.getTime() - c.identity.details.notBefore.getTime()) / 1000;
      if (!known.station_id && ageSeconds < this.config.enrollment.auditGraceSeconds) {
        await this.record(req, 'pending', 'not-audited-yet', 'the birth certificate is not yet in an audit batch; ask again later', ctx, birthFingerprint, now);
        return { status: 'pending', retryAfterSeconds: 30 };
      }
      await this.alarm('unknown-device', ctx, `birth certificate ${birthFingerprint} enrolled but never appeared in an audit batch of order ${order.orderId}`, now);
      throw new EnrollmentRefusal('unknown-device', `device ${deviceSerial}'s birth certificate is not in any audit batch of order ${order.orderId}`, ctx);
    }
    if (known.enrolled_before) {
      const again = await this.previousEnrollment(order.orderId, deviceSerial, birthFingerprint, keyHash, now);
      if (again) return again;
    }
    if (Number(known.at_quota) > 0) throw new EnrollmentRefusal('over-quota', `order ${order.orderId} already has ${order.quota} enrolled devices, its quota`, ctx);
    return null;
  }

  /**
   * The device enrolled before. The very same request again (same birth certificate, same key)
   * is a client retrying a lost answer: it gets its certificate back and counts nothing. Anything
   * else is a second initial enrollment: a clone (system.md §4.2).
   */
  private async previousEnrollment(orderId: string, deviceSerial: string, birthFingerprint: string, keyHash: string, now: Date): Promise<EnrollmentOutcome | null> {
    const previous = await this.enrollmentOf(orderId, deviceSerial);
    if (!previous) return null;
    const ctx = { orderId, deviceSerial };
    if (previous.birthFingerprint === birthFingerprint && previous.keyHash === keyHash) {
      const cert = await this.ds.getRepository(OperationalCertificateEntity).findOneBy({ serialHex: previous.certificateSerial });
      if (cert && !cert.revokedAt) return { status: 'issued', certificate: cert.certificate, serialHex: cert.serialHex, chain: this.caCertificates().chain };
    }
    const what = previous.birthFingerprint === birthFingerprint
      ? 'the same birth certificate enrolled before with another key'
      : 'another birth certificate with this device serial enrolled before';
    await this.alarm('clone', ctx, `${what} (first enrollment ${previous.enrolledAt} over ${previous.protocol})`, now);
    throw new EnrollmentRefusal('clone', `device ${deviceSerial} of order ${orderId} is enrolled already: ${what}`, ctx);
  }

  private enrollmentOf(orderId: string, deviceSerial: string): Promise<DeviceEnrollmentEntity | null> {
    return this.ds.getRepository(DeviceEnrollmentEntity).findOneBy({ orderId, deviceSerial });
  }

  /** Re-enrollment and key update with the operational certificate (RFC 7030 §4.2.2, RFC 4210 §5.3.5). */
  private async renewal(req: CheckedRequest, c: Extract<Credential, { kind: 'operational' }>, now: Date): Promise<EnrollmentOutcome> {
    const current = c.certificate;
    const ctx = { orderId: current.orderId, deviceSerial: current.deviceSerial };
    if (current.revokedAt) throw new EnrollmentRefusal('revoked', `operational certificate ${current.serialHex} is revoked`, ctx);
    await this.refuseRevoked(current.orderId, current.deviceSerial);
    const keyHash = sha256(req.spki);
    if (req.operation === 'key-update' && keyHash === current.keyHash) {
      throw new EnrollmentRefusal('bad-request', 'a key update must certify a new key (RFC 4210 §5.3.5)', ctx);
    }
    const order = await this.ds.getRepository(ProductionOrderEntity).findOneByOrFail({ orderId: current.orderId });
    const hardwareModule = c.identity.hardwareModule;
    const issued = this.issue(req, { orderId: current.orderId, productModel: order.productModel, deviceSerial: current.deviceSerial, hardwareModule }, keyHash, now);
    const unit: SqlStatement[] = [this.certificateInsert(req, { orderId: current.orderId, deviceSerial: current.deviceSerial }, keyHash, issued, now)];
    // the old certificate is superseded when its holder replaces it; a CMP cr adds a certificate beside it
    if (req.operation !== 'enroll') {
      unit.push({ sql: 'UPDATE operational_certificate SET revoked_at = ?, revocation_reason = ? WHERE serial_hex = ?', params: [now.toISOString(), REASON_SUPERSEDED, current.serialHex] });
    }
    unit.push(this.event(req, 'issued', null, `operational certificate ${issued.outcome.serialHex} issued, renewing ${current.serialHex}`, ctx, current.serialHex, now));
    try {
      await this.committer.commit(unit);
    } finally {
      this.revocations.changed('operational-ca');
    }
    return issued.outcome;
  }

  /** The operational certificate built and signed, with what its record holds beside the device's details. */
  private issue(
    req: CheckedRequest,
    device: { orderId: string; productModel: string; deviceSerial: string; hardwareModule: { hwType: string; hwSerial: string } | null },
    keyHash: string,
    now: Date,
  ): IssuedCertificate {
    const settings = this.config.enrollment;
    const product = settings.products.find((p) => p.model === device.productModel);
    const validityDays = product?.validityDays ?? settings.validityDays;
    const requestedCn = req.subject ? safeName(req.subject) : null;
    const base = this.publicUrl();
    const op = this.operationalCa!;
    const notBefore = new Date(now.getTime() - 60_000);
    const { certificate, serial } = issueOperationalCertificate(op, {
      spki: req.spki,
      deviceSerial: device.deviceSerial,
      commonName: requestedCn ?? device.deviceSerial,
      organization: this.config.brand.organization,
      hardwareModule: device.hardwareModule,
      validity: { notBefore, notAfter: new Date(notBefore.getTime() + validityDays * DAY_MS) },
      extendedKeyUsages: product?.extendedKeyUsages ?? ['1.3.6.1.5.5.7.3.2'],
      urls: { crl: `${base}/crl/operational-ca.crl`, ocsp: `${base}/ocsp`, caIssuers: `${base}/ca/operational-ca.cer` },
      keyAlgorithm: req.keyAlgorithm,
    });
    const serialHex = normalizeSerialHex(Buffer.from(serial).toString('hex'));
    const record = {
      notAfter: new Date(notBefore.getTime() + validityDays * DAY_MS).toISOString(),
      confirmation: req.protocol === 'cmp' && !req.confirmed ? ('pending' as const) : ('accepted' as const),
    };
    return { outcome: { status: 'issued', certificate, serialHex, chain: this.caCertificates().chain }, record };
  }

  /** The statement that records an issued certificate on its own (a renewal; a greenfield enrollment writes it through its view). */
  private certificateInsert(req: CheckedRequest, device: { orderId: string; deviceSerial: string }, keyHash: string, issued: IssuedCertificate, now: Date): SqlStatement {
    return {
      sql: `INSERT INTO operational_certificate (serial_hex, ca_name, order_id, device_serial, key_hash, certificate, not_after, issued_at, protocol, confirmation)
        VALUES (?, 'operational-ca', ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [issued.outcome.serialHex, device.orderId, device.deviceSerial, keyHash, issued.outcome.certificate, issued.record.notAfter, now.toISOString(), req.protocol, issued.record.confirmation],
    };
  }

  async confirm(serialHex: string, accepted: boolean, reason?: string, options: { evenIfAccepted?: boolean } = {}): Promise<void> {
    const now = new Date();
    const serial = normalizeSerialHex(serialHex);
    await this.writes.run(() => this.ds.transaction(async (m) => {
      const cert = await m.getRepository(OperationalCertificateEntity).findOneBy({ serialHex: serial });
      const withdrawn = !accepted && options.evenIfAccepted && cert?.confirmation === 'accepted';
      if (!cert || (cert.confirmation !== 'pending' && !withdrawn)) return;
      // only a pending certificate changes, so a certConf judged by two nodes at once counts once
      const stillPending = { serialHex: serial, confirmation: cert.confirmation };
      if (accepted) {
        await m.getRepository(OperationalCertificateEntity).update(stillPending, { confirmation: 'accepted' });
        return;
      }
      // RFC 4210 §5.3.18: the client rejected the certificate: revoke it, and if it was the
      // device's greenfield enrollment, undo that so the device may enroll again.
      const rejected = await m.getRepository(OperationalCertificateEntity).update(stillPending, { confirmation: 'rejected', revokedAt: now.toISOString(), revocationReason: REASON_CESSATION });
      if (!rejected.affected) return;
      const enrollment = await m.getRepository(DeviceEnrollmentEntity).findOneBy({ orderId: cert.orderId, deviceSerial: cert.deviceSerial });
      if (enrollment?.certificateSerial === serial) {
        await m.getRepository(DeviceEnrollmentEntity).delete({ orderId: cert.orderId, deviceSerial: cert.deviceSerial });
        await m.createQueryBuilder().update(ProductionOrderEntity).set({ enrolled: () => 'enrolled - 1' }).where('order_id = :orderId', { orderId: cert.orderId }).execute();
      }
      await m.getRepository(EnrollmentEventEntity).insert({
        at: now.toISOString(), protocol: cert.protocol, operation: 'certConf', outcome: 'rejected', reason: 'rejected-by-client',
        message: `the client rejected certificate ${serial}${reason ? `: ${reason}` : ''}`, orderId: cert.orderId, deviceSerial: cert.deviceSerial, certificateFingerprint: null,
      });
    }));
    if (!accepted) this.revocations.changed('operational-ca');
  }

  async revoke(requester: RequesterCredentials, target: Buffer, reasonCode: number): Promise<RevocationOutcome> {
    const now = new Date();
    let credential: Credential;
    try {
      credential = await this.credentials.classify(requester, now);
    } catch (err) {
      if (err instanceof EnrollmentRefusal) return { status: 'refused', reason: err.reason, message: err.message };
      throw err;
    }
    if (credential.kind !== 'operational') return { status: 'refused', reason: 'not-allowed', message: 'revocation requests must be signed with an operational certificate' };
    let targetSerial: string;
    try {
      targetSerial = normalizeSerialHex(readCertificate(target).serialHex);
    } catch {
      return { status: 'refused', reason: 'bad-request', message: 'the certificate to revoke is malformed' };
    }
    const row = await this.ds.getRepository(OperationalCertificateEntity).findOneBy({ serialHex: targetSerial });
    const holder = credential.certificate;
    if (!row || row.orderId !== holder.orderId || row.deviceSerial !== holder.deviceSerial) {
      return { status: 'refused', reason: 'not-allowed', message: `certificate ${targetSerial} is not one of this device's certificates` };
    }
    if (row.revokedAt) return { status: 'refused', reason: 'revoked', message: `certificate ${targetSerial} is revoked already` };
    const reason = isReasonCode(reasonCode) ? reasonCode : 0;
    await this.writes.run(() => this.ds.transaction(async (m) => {
      await m.getRepository(OperationalCertificateEntity).update({ serialHex: targetSerial }, { revokedAt: now.toISOString(), revocationReason: reason });
      await m.getRepository(EnrollmentEventEntity).insert({
        at: now.toISOString(), protocol: 'cmp', operation: 'rr', outcome: 'revoked', reason: String(reason),
        message: `certificate ${targetSerial} revoked at its holder's request`, orderId: row.orderId, deviceSerial: row.deviceSerial, certificateFingerprint: null,
      });
    }));
    this.revocations.changed('operational-ca');
    return { status: 'revoked', serialHex: targetSerial };
  }

  async issuedCertificate(issuer: Buffer, serialHex: string): Promise<Buffer | null> {
    if (!this.operationalCa?.subject.equals(issuer)) return null;
    const row = await this.ds.getRepository(OperationalCertificateEntity).findOneBy({ serialHex: normalizeSerialHex(serialHex) });
    return row?.certificate ?? null;
  }

  async status(caName: string, serialHex: string): Promise<CertificateStatus> {
    if (caName !== 'operational-ca') return { state: 'unknown' };
    const row = await this.ds.getRepository(OperationalCertificateEntity).findOneBy({ serialHex: normalizeSerialHex(serialHex) });
    if (!row) return { state: 'unknown' };
    if (row.revokedAt) return { state: 'revoked', revokedAt: new Date(row.revokedAt), reason: (row.revocationReason ?? 0) as RevocationReasonCode };
    return { state: 'good' };
  }

  async revoked(caName: string): Promise<RevokedEntry[]> {
    if (caName !== 'operational-ca') return [];
    const rows: Array<{ serial_hex: string; revoked_at: string; revocation_reason: number | null }> = await this.ds.query(
      sql(`SELECT serial_hex, revoked_at, revocation_reason FROM operational_certificate WHERE revoked_at IS NOT NULL AND not_after > ? ORDER BY revoked_at`),
      [new Date().toISOString()],
    );
    return rows.map((r) => ({ serialHex: r.serial_hex, revokedAt: new Date(r.revoked_at), reason: (r.revocation_reason ?? 0) as RevocationReasonCode }));
  }

  private checkKey(spki: Buffer): KeyAlgorithm {
    let algorithm: KeyAlgorithm;
    try {
      algorithm = inspectSpki(spki).algorithm;
    } catch (err) {
      throw new EnrollmentRefusal('bad-request', `the requested public key is not acceptable: ${(err as Error).message}`);
    }
    if (!(this.config.enrollment.allowedKeyAlgorithms as string[]).includes(algorithm)) {
      throw new EnrollmentRefusal('bad-request', `key type ${algorithm} is not allowed for operational certificates`);
    }
    return algorithm;
  }

  private async refuseRevoked(orderId: string, deviceSerial: string): Promise<void> {
    const rows = await this.ds.getRepository(DeviceRevocationEntity).find({ where: [{ orderId, scope: 'order' }, { orderId, deviceSerial, scope: 'device' }] });
    if (rows.length) {
      const r = rows[0];
      throw new EnrollmentRefusal('revoked', r.scope === 'order' ? `order ${orderId} is revoked (${r.revokedAt})` : `device ${deviceSerial} is revoked (${r.revokedAt})`, { orderId, deviceSerial });
    }
  }

  private async alarm(kind: CentralAlarmEntity['kind'], ctx: { orderId: string | null; deviceSerial: string | null }, details: string, now: Date): Promise<void> {
    await this.committer.commit([{
      sql: 'INSERT INTO central_alarm (raised_at, kind, order_id, device_serial, details, cleared_at) VALUES (?, ?, ?, ?, ?, NULL)',
      params: [now.toISOString(), kind, ctx.orderId, ctx.deviceSerial, details],
    }]);
    this.log.warn(`ALARM ${kind}: order ${ctx.orderId} device ${ctx.deviceSerial}: ${details}`);
  }

  private record(
    req: EnrollmentRequest,
    outcome: EnrollmentEventEntity['outcome'],
    reason: string | null,
    message: string,
    ctx: { orderId: string | null; deviceSerial: string | null },
    fingerprint: string | null,
    now: Date,
  ): Promise<void> {
    return this.committer.commit([this.event(req, outcome, reason, message, ctx, fingerprint, now)]);
  }

  /** The enrollment_event row of one decision. */
  private event(
    req: EnrollmentRequest,
    outcome: EnrollmentEventEntity['outcome'],
    reason: string | null,
    message: string,
    ctx: { orderId: string | null; deviceSerial: string | null },
    fingerprint: string | null,
    now: Date,
  ): SqlStatement {
    return {
      sql: 'INSERT INTO enrollment_event (at, protocol, operation, outcome, reason, message, order_id, device_serial, certificate_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      params: [now.toISOString(), req.protocol, req.operation, outcome, reason, message, ctx.orderId, ctx.deviceSerial, fingerprint],
    };
  }

  private publicUrl(): string {
    const e = this.config.enrollment;
    return (e.publicUrl ?? `http://${this.config.http.host}:${this.config.http.port}`).replace(/\/+$/, '');
  }
}

function isReasonCode(n: number): n is RevocationReasonCode {
  return [0, 1, 2, 3, 4, 5, 6, 8, 9, 10].includes(n);
}

/** The CN a client asked for, if it is a sane printable name; else the device serial is used. */
function safeName(subject: Buffer): string | null {
  try {
    const cn = nameAttribute(subject, OID.commonName);
    return cn && isPrintableName(cn) ? cn : null;
  } catch {
    return null;
  }
}
