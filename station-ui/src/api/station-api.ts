/* Generated from openapi.json by src/station/api/openapi/write-station-api.cli.ts (npm run build). Do not edit. */
/* eslint-disable */

export interface paths {
  "/api/status": {
    get: operations["Station_status"];
  };
  "/api/orders": {
    get: operations["Station_listOrders"];
  };
  "/api/orders/{orderId}/open": {
    post: operations["Station_openOrder"];
  };
  "/api/jigs": {
    get: operations["Station_slots"];
  };
  "/api/jigs/{jigId}/scan": {
    post: operations["Station_scan"];
  };
  "/api/jigs/ports": {
    get: operations["Station_ports"];
  };
  "/api/refusals": {
    get: operations["Station_listRefusals"];
  };
  "/api/devices/{serial}": {
    get: operations["Station_device"];
  };
  "/api/alarms": {
    get: operations["Supervisor_list"];
  };
  "/api/alarms/{id}/clear": {
    post: operations["Supervisor_clear"];
  };
  "/api/orders/{orderId}/cancel": {
    post: operations["Supervisor_cancel"];
  };
  "/api/grants": {
    post: operations["Supervisor_importGrant"];
  };
  "/api/jigs/{jigId}/slots/{slot}/rerun": {
    post: operations["Supervisor_rerun"];
  };
  "/api/shift": {
    post: operations["Supervisor_newShift"];
  };
  "/api/events": {
    get: operations["Supervisor_listEvents"];
  };
  "/api/audit": {
    get: operations["Audit_state"];
  };
  "/api/audit/sync": {
    post: operations["Audit_syncNow"];
  };
  "/api/audit/checkpoints": {
    post: operations["Audit_checkpoint"];
  };
  "/api/audit/export": {
    get: operations["Audit_exportFile"];
  };
  "/api/audit/batch-files": {
    post: operations["Audit_exportBatchFile"];
  };
  "/api/audit/receipts": {
    post: operations["Audit_importReceipt"];
  };
  "/api/panel": {
    get: operations["Live_snapshot"];
  };
  "/api/live": {
    get: operations["Live_stream"];
  };
  "/api/auth/login": {
    post: operations["Auth_login"];
  };
  "/api/auth/logout": {
    post: operations["Auth_logout"];
  };
  "/api/auth/me": {
    get: operations["Auth_me"];
  };
  "/health": {
    get: operations["Health_health"];
  };
}

export interface operations {
  Station_status: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["StatusDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Station_listOrders: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": (components["schemas"]["OrderDto"])[];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Station_openOrder: {
    parameters: {
      query?: never;
      header?: never;
      path: { orderId: string; };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["OrderDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Station_slots: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": (components["schemas"]["SlotDto"])[];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Station_scan: {
    parameters: {
      query?: { slot?: number; };
      header?: never;
      path: { jigId: string; };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ScanResultDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Station_ports: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content?: never;
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Station_listRefusals: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": (components["schemas"]["RefusalDto"])[];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Station_device: {
    parameters: {
      query?: never;
      header?: never;
      path: { serial: string; };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["DeviceDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Supervisor_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["AlarmsDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Supervisor_clear: {
    parameters: {
      query?: never;
      header?: never;
      path: { id: number; };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ClearAlarmDto"];
      };
    };
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ClearedAlarmDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Supervisor_cancel: {
    parameters: {
      query?: never;
      header?: never;
      path: { orderId: string; };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["CancelOrderDto"];
      };
    };
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["CancelResultDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Supervisor_importGrant: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ImportGrantDto"];
      };
    };
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["OrderDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Supervisor_rerun: {
    parameters: {
      query?: never;
      header?: never;
      path: { jigId: string; slot: number; };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["SlotDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Supervisor_newShift: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NewShiftDto"];
      };
    };
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ShiftDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Supervisor_listEvents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": (components["schemas"]["AuditRecordDto"])[];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Audit_state: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["AuditStateDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Audit_syncNow: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["AuditSyncResultDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Audit_checkpoint: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      201: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["CheckpointResultDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Audit_exportFile: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content?: never;
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Audit_exportBatchFile: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["BatchFileRequestDto"];
      };
    };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content?: never;
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Audit_importReceipt: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ReceiptImportDto"];
      };
    };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ReceiptImportResultDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Live_snapshot: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["PanelDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Live_stream: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content?: never;
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Auth_login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["LoginDto"];
      };
    };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["PrincipalDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Auth_logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["SignedOutDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Auth_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["PrincipalDto"];
        };
      };
      "default": {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ApiErrorDto"];
        };
      };
    };
  };
  Health_health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content?: never;
      };
    };
  };
}

export interface components {
  schemas: {
    ApiErrorDto: {
      statusCode: number;
      /** domain error code, e.g. GRANT_REPLAYED */
      code?: string;
      message: string | (string)[];
    };
    OrderDto: {
      orderId: string;
      productModel: string;
      quota: number;
      issued: number;
      left: number;
      serialFirst: string;
      serialLast: string;
      notAfter: string;
      status: string;
      closedReason: string | null;
      /** issuance records by status */
      byStatus?: {
        [key: string]: number;
      };
    };
    SlotPhase: "idle" | "queued" | "hello" | "csr" | "issuing" | "injecting" | "verifying" | "locking" | "done" | "retrying" | "interrupted" | "failed" | "refused";
    SlotDto: {
      jigId: string;
      slot: number;
      phase: components["schemas"]["SlotPhase"];
      deviceSerial?: string;
      /** why it failed or was refused */
      message?: string;
      code?: string;
      /** what the operator should do about a failed or refused slot */
      action?: string;
      attempts: number;
      /** 0..100 */
      progress: number;
      updatedAt: string;
    };
    StationTimeDto: {
      p50: number | null;
      p99: number | null;
      samples: number;
    };
    ShiftDto: {
      provisioned: number;
      reused: number;
      /** refusals by code */
      refused: {
        [key: string]: number;
      };
      /** final failures by code */
      failed: {
        [key: string]: number;
      };
      stationMsPerDevice: components["schemas"]["StationTimeDto"];
    };
    StatusDto: {
      stationId: string;
      orders: (components["schemas"]["OrderDto"])[];
      slots: (components["schemas"]["SlotDto"])[];
      shift: components["schemas"]["ShiftDto"];
    };
    ScanResultDto: {
      jigId: string;
      slots: (number)[];
      queued: (number)[];
      absentPorts: (string)[];
    };
    RefusalDto: {
      deviceSerial: string | null;
      jigId: string;
      slot: number;
      code: string;
      message: string;
      action: string;
      createdAt: string;
    };
    DeviceDto: {
      deviceSerial: string;
      orderId: string;
      status: string;
      fingerprint: string | null;
      /** PEM */
      certificate: string | null;
    };
    AlarmDto: {
      id: number;
      kind: string;
      orderId: string | null;
      detail: string;
      raisedAt: string;
      clearedAt: string | null;
      clearedBy: string | null;
      clearNote: string | null;
    };
    AlarmsDto: {
      /** issuance is locked while any alarm is open */
      locked: boolean;
      alarms: (components["schemas"]["AlarmDto"])[];
    };
    ClearAlarmDto: {
      supervisor?: string;
      /** why the alarm may be cleared: recorded in the audit log */
      note: string;
    };
    ReconciledDto: {
      before: number;
      after: number;
    };
    ClearedAlarmDto: {
      id: number;
      kind: string;
      orderId: string | null;
      detail: string;
      raisedAt: string;
      clearedAt: string | null;
      clearedBy: string | null;
      clearNote: string | null;
      reconciled?: components["schemas"]["ReconciledDto"];
    };
    CancelOrderDto: {
      supervisor?: string;
    };
    CancelResultDto: {
      orderId: string;
      closed: boolean;
    };
    ImportGrantDto: {
      supervisor?: string;
      /** the grant file: PEM ("-----BEGIN QUOTA GRANT-----") or base64 DER */
      grant: string;
    };
    NewShiftDto: {
      supervisor?: string;
    };
    AuditRecordDto: {
      seq: number;
      prevHash: string;
      hash: string;
      time: string;
      kind: string;
      actor: string;
      orderId: string | null;
      deviceSerial: string | null;
      fingerprint: string | null;
      outcome: "ok" | "refused" | "failed" | "alarm";
      detail: string;
    };
    AuditHeadDto: {
      seq: number;
      hash: string;
    };
    AuditCheckpointDto: {
      stationId: string;
      seq: number;
      hash: string;
      time: string;
      signature: string;
      certificates: (string)[];
    };
    AuditSyncStateDto: {
      headSeq: number;
      ackedSeq: number;
      /** records central has not yet acknowledged */
      unsynced: number;
      /** time of central's last receipt */
      lastReceiptAt: string | null;
      /** how batches reach central online: HTTPS with the station's client certificate, or its API token */
      transport: "mutual-tls" | "api-token";
    };
    AuditStateDto: {
      head: components["schemas"]["AuditHeadDto"] | null;
      checkpoint: components["schemas"]["AuditCheckpointDto"] | null;
      sync: components["schemas"]["AuditSyncStateDto"];
    };
    AuditSyncResultDto: {
      acked: number;
      sync: components["schemas"]["AuditSyncStateDto"];
    };
    CheckpointResultDto: {
      checkpoint: components["schemas"]["AuditCheckpointDto"] | null;
    };
    BatchFileRequestDto: {
      /** first record (default: the one after the last receipt) */
      fromSeq?: number;
      /** last record (default: the head, which is the record of this export) */
      toSeq?: number;
    };
    ReceiptImportDto: {
      /** the receipt file as central wrote it (PEM "CMS" block), or its DER in base64 */
      receipt: string;
    };
    ReceiptImportResultDto: {
      /** the last record central acknowledges with this receipt */
      toSeq: number;
      /** false when an equal or later receipt was already held (nothing changed) */
      advanced: boolean;
      sync: components["schemas"]["AuditSyncStateDto"];
    };
    JigDto: {
      id: string;
      /** the product model this jig builds */
      product: string;
    };
    PanelDto: {
      status: components["schemas"]["StatusDto"];
      /** the jigs configured on this station */
      jigs: (components["schemas"]["JigDto"])[];
      alarms: components["schemas"]["AlarmsDto"];
      audit: components["schemas"]["AuditSyncStateDto"];
      /** the latest refusals and failures, newest first */
      refusals: (components["schemas"]["RefusalDto"])[];
      /** an order is "running low" when fewer than this share of its quota is left (0..1) */
      lowQuotaShare: number;
    };
    LoginDto: {
      name: string;
      password: string;
    };
    StationRole: "operator" | "supervisor";
    PrincipalDto: {
      name: string;
      role: components["schemas"]["StationRole"];
      via: "session" | "token";
      expiresAt?: string;
    };
    SignedOutDto: {
      signedOut: boolean;
    };
  };
}
