// The parts of net-snmp's agent module the simulator uses (its bundled types declare them as `any`).

export interface MibRequest {
  oid: string;
  instanceNode: { oid?: string; value: unknown };
  done(error?: { errorStatus: number }): void;
}

export interface Mib {
  registerProvider(definition: Record<string, unknown>): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(name: string, row: unknown[]): void;
  setTableSingleCell(name: string, column: number, row: unknown[], value: unknown): void;
}

export interface Agent {
  getMib(): Mib;
  getAuthorizer(): { addCommunity(community: string): void };
  close(callback?: () => void): void;
}
