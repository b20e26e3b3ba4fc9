import { Body, Controller, Post, Req, UseGuards } from '@nestjs/common';
import { IsBase64, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { BearerGuard, Roles, type CentralPrincipal } from '../auth/bearer.guard.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { verifyCsr } from '../../pki/csr.js';

class AuditCertificateRequestDto {
  /** base64 DER PKCS#10 of the station's audit key (generated in its HSM) */
  @IsString() @IsNotEmpty() @MaxLength(16384) @IsBase64() csr: string;
}

/** What a station asks central for itself (not per order). */
@Controller('api/stations')
@UseGuards(BearerGuard)
export class StationsController {
  constructor(private readonly pki: CentralPkiService) {}

  @Post('audit-certificate')
  @Roles('station')
  async auditCertificate(@Body() dto: AuditCertificateRequestDto, @Req() req: { principal: CentralPrincipal }) {
    const csr = verifyCsr(Buffer.from(dto.csr, 'base64'), ['ec-p256', 'ec-p384']);
    const { certificate, chain } = await this.pki.issueStationAuditCertificate(req.principal.stationId!, csr.spki);
    return { certificate: certificate.toString('base64'), chain: chain.map((c) => c.toString('base64')) };
  }
}
