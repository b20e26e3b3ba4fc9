import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer (DomainExceptionFilter): the status, a code for domain errors, and a message for people. */
export class ApiErrorDto {
  @ApiProperty() statusCode: number;
  @ApiPropertyOptional({ description: 'domain error code, e.g. GRANT_REPLAYED' }) code?: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) message: string | string[];
}
