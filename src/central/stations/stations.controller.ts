import { Body, Controller, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { IsBase64, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { BearerGuard, Roles, type CentralPrincipal } from '../auth/bearer.guard.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';
import { verifyCsr } from '../../pki/csr.js';
import { issueStationTlsCertificate } from './station-tls-certificate.js';

class StationCertificateRequestDto {
  /** base64 DER PKCS#10 of a station key (generated in its HSM) */
  @IsString() @IsNotEmpty() @MaxLength(16384) @IsBase64() csr: string;
}

/** What a station asks central for itself (not per order). */
@Controller('api/stations')
@UseGuards(BearerGuard)
export class StationsController {
  constructor(
    private readonly pki: CentralPkiService,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
  ) {}

  /** The certificate of the station's audit-signing key (batches, checkpoints). */
  @Post('audit-certificate')
  @Roles('station')
  async auditCertificate(@Body() dto: StationCertificateRequestDto, @Req() req: { principal: CentralPrincipal }) {
    const csr = verifyCsr(Buffer.from(dto.csr, 'base64'), ['ec-p256', 'ec-p384']);
    const { certificate, chain } = await this.pki.issueStationAuditCertificate(req.principal.stationId!, csr.spki);
    return { certificate: certificate.toString('base64'), chain: chain.map((c) => c.toString('base64')) };
  }

  /**
   * The certificate of the station's TLS client key, for audit sync over mutual TLS. Asked for
   * with the station's API token; the CSR proves the key (PKCS#10 self-signature).
   */
  @Post('tls-certificate')
  @Roles('station')
  async tlsCertificate(@Body() dto: StationCertificateRequestDto, @Req() req: { principal: CentralPrincipal }) {
    const csr = verifyCsr(Buffer.from(dto.csr, 'base64'), ['ec-p256', 'ec-p384']);
    const { certificate, chain } = await issueStationTlsCertificate(this.pki, this.config, req.principal.stationId!, csr.spki);
    return { certificate: certificate.toString('base64'), chain: chain.map((c) => c.toString('base64')) };
  }
}
