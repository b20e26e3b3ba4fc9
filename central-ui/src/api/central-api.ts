/* Generated from openapi.json by src/central/ui/openapi/write-central-api.cli.ts (npm run build). Do not edit. */
/* eslint-disable */

export interface paths {
  "/api/auth/login": {
    post: operations["CentralAuth_login"];
  };
  "/api/auth/logout": {
    post: operations["CentralAuth_logout"];
  };
  "/api/auth/me": {
    get: operations["CentralAuth_me"];
  };
  "/api/console/overview": {
    get: operations["Console_overview"];
  };
  "/api/console/activity": {
    get: operations["Console_activity"];
  };
  "/api/console/anomalies": {
    get: operations["Console_anomalies"];
  };
  "/api/console/devices/{serial}": {
    get: operations["Console_device"];
  };
  "/api/console/stations/{stationId}/records": {
    get: operations["Console_stationRecords"];
  };
  "/api/console/sign-ins": {
    get: operations["Console_signIns"];
  };
  "/api/console/devices/{serial}/revoke": {
    post: operations["Console_revokeDevice"];
  };
  "/api/console/orders/{orderId}/revoke": {
    post: operations["Console_revokeOrder"];
  };
}

export interface operations {
  CentralAuth_login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ConsoleLoginDto"];
      };
    };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ConsolePrincipalDto"];
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
  CentralAuth_logout: {
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
          "application/json": components["schemas"]["ConsoleSignedOutDto"];
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
  CentralAuth_me: {
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
          "application/json": components["schemas"]["ConsolePrincipalDto"];
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
  Console_overview: {
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
          "application/json": components["schemas"]["ConsoleOverviewDto"];
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
  Console_activity: {
    parameters: {
      query?: { orderId?: string; stationId?: string; };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["ActivityDto"];
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
  Console_anomalies: {
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
          "application/json": (components["schemas"]["AnomalyDto"])[];
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
  Console_device: {
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
          "application/json": components["schemas"]["DeviceDetailDto"];
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
  Console_stationRecords: {
    parameters: {
      query?: { around?: number; };
      header?: never;
      path: { stationId: string; };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["StationRecordsDto"];
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
  Console_signIns: {
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
          "application/json": (components["schemas"]["UserEventDto"])[];
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
  Console_revokeDevice: {
    parameters: {
      query?: never;
      header?: never;
      path: { serial: string; };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ConsoleRevokeDeviceDto"];
      };
    };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["RevocationResultDto"];
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
  Console_revokeOrder: {
    parameters: {
      query?: never;
      header?: never;
      path: { orderId: string; };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ConsoleRevokeOrderDto"];
      };
    };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          "application/json": components["schemas"]["RevocationResultDto"];
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
}

export interface components {
  schemas: {
    CreateOrderDto: Record<string, never>;
    OrderCaRequestDto: Record<string, never>;
    StationCertificateRequestDto: Record<string, never>;
    AuditBatchDto: Record<string, never>;
    RevokeDeviceDto: Record<string, never>;
    RevokeOrderDto: Record<string, never>;
    ApiErrorDto: {
      statusCode: number;
      /** domain error code, e.g. GRANT_REPLAYED */
      code?: string;
      message: string | (string)[];
    };
    ConsoleLoginDto: {
      name: string;
      password: string;
    };
    CentralRole: "brand-owner" | "auditor" | "station";
    ConsolePrincipalDto: {
      name: string;
      role: components["schemas"]["CentralRole"];
      via: "session" | "token" | "certificate";
      expiresAt?: string;
    };
    ConsoleSignedOutDto: {
      signedOut: boolean;
    };
    OrderSummaryDto: {
      orderId: string;
      stationId: string;
      productModel: string;
      quota: number;
      /** certificate-signed records central received */
      issued: number;
      /** certificate-spoiled and issuance-voided records central received */
      spoiled: number;
      /** distinct devices enrolled in the field */
      enrolled: number;
      status: string;
      /** the brand owner revoked the whole order */
      revoked: boolean;
      notAfter: string;
    };
    ChainState: "ok" | "never-synced" | "refused" | "broken";
    RefusalDto: {
      code: string;
      message: string;
      firstAt: string;
      lastAt: string;
      attempts: number;
    };
    ChainStatusDto: {
      /** refused: the latest batch was refused after the last receipt; broken: records missing or not linked */
      state: components["schemas"]["ChainState"];
      records: number;
      lastSeq: number;
      lastHash: string | null;
      lastReceiptAt: string | null;
      /** sequence numbers below lastSeq central does not hold */
      missing: number;
      /** records whose prevHash is not the hash of the record before */
      linkBreaks: number;
      lastRefusal?: components["schemas"]["RefusalDto"];
    };
    StationSummaryDto: {
      stationId: string;
      orders: number;
      issued: number;
      spoiled: number;
      enrolled: number;
      tamperAlarms: number;
      chain: components["schemas"]["ChainStatusDto"];
    };
    ConsoleOverviewDto: {
      orders: (components["schemas"]["OrderSummaryDto"])[];
      stations: (components["schemas"]["StationSummaryDto"])[];
      /** anomalies not cleared */
      openAnomalies: number;
      generatedAt: string;
    };
    ActivityPointDto: {
      at: string;
      issued: number;
      spoiled: number;
      enrolled: number;
      tamperAlarms: number;
    };
    ActivityDto: {
      bucketMinutes: number;
      /** the quota of the order (or the sum of the station's orders) */
      quota: number | null;
      points: (components["schemas"]["ActivityPointDto"])[];
    };
    AnomalyKind: "clone" | "unknown-device" | "audit-gap" | "audit-fork" | "audit-refused" | "tamper-alarm";
    AnomalyDto: {
      id: string;
      kind: components["schemas"]["AnomalyKind"];
      at: string;
      open: boolean;
      stationId: string | null;
      orderId: string | null;
      deviceSerial: string | null;
      /** the station record to look at */
      seq: number | null;
      detail: string;
    };
    AuditRecordDto: {
      stationId: string;
      seq: number;
      time: string;
      kind: string;
      actor: string;
      orderId: string | null;
      deviceSerial: string | null;
      fingerprint: string | null;
      outcome: string;
      detail: string;
      hash: string;
      prevHash: string;
      receivedAt: string;
    };
    EnrollmentDto: {
      orderId: string;
      birthFingerprint: string;
      keyHash: string;
      certificateSerial: string;
      protocol: string;
      enrolledAt: string;
    };
    OperationalCertificateDto: {
      serialHex: string;
      orderId: string;
      protocol: string;
      issuedAt: string;
      notAfter: string;
      revokedAt: string | null;
    };
    EnrollmentEventDto: {
      id: number;
      at: string;
      protocol: string;
      operation: string;
      outcome: string;
      reason: string | null;
      message: string;
      orderId: string | null;
    };
    DeviceRevocationDto: {
      scope: "device" | "order";
      orderId: string;
      reason: number;
      revokedAt: string;
    };
    DeviceDetailDto: {
      deviceSerial: string;
      /** revoked (itself or its whole order) */
      revoked: boolean;
      records: (components["schemas"]["AuditRecordDto"])[];
      enrollments: (components["schemas"]["EnrollmentDto"])[];
      certificates: (components["schemas"]["OperationalCertificateDto"])[];
      events: (components["schemas"]["EnrollmentEventDto"])[];
      anomalies: (components["schemas"]["AnomalyDto"])[];
      revocations: (components["schemas"]["DeviceRevocationDto"])[];
    };
    StationRecordsDto: {
      stationId: string;
      chain: components["schemas"]["ChainStatusDto"];
      records: (components["schemas"]["AuditRecordDto"])[];
      refusals: (components["schemas"]["RefusalDto"])[];
    };
    UserEventDto: {
      id: number;
      at: string;
      userName: string;
      kind: string;
      outcome: string;
      address: string | null;
      detail: string;
    };
    ConsoleRevokeDeviceDto: {
      orderId?: string;
      /** RFC 5280 §5.3.1 CRLReason; default 0 (unspecified) */
      reason?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 9 | 10;
    };
    RevocationResultDto: {
      scope: "device" | "order";
      orderId: string;
      deviceSerial: string | null;
      reason: number;
      revokedAt: string;
      certificatesRevoked: number;
    };
    ConsoleRevokeOrderDto: {
      /** RFC 5280 §5.3.1 CRLReason; default 0 (unspecified) */
      reason?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 9 | 10;
    };
  };
}
