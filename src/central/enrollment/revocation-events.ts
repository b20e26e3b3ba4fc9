import { Injectable } from '@nestjs/common';

/**
 * Tells whoever publishes status (the CRL publisher) that a CA's revocation list changed, so
 * the next CRL is cut at once rather than at its scheduled update.
 */
@Injectable()
export class RevocationEvents {
  private readonly listeners: Array<(caName: string) => void> = [];

  onChange(listener: (caName: string) => void): void {
    this.listeners.push(listener);
  }

  changed(caName: string): void {
    for (const l of this.listeners) l(caName);
  }
}
