/**
 * Prepared statements kept by their SQL text, up to `limit` (then forgotten all at once: a store sees
 * a few shapes per table, so reaching the limit means tables come and go, and starting over is cheap).
 */
export class StatementCache<T> {
  private readonly statements = new Map<string, T>();

  constructor(private readonly limit: number) {}

  get(sql: string, prepare: (sql: string) => T): T {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      if (this.statements.size >= this.limit) this.statements.clear();
      statement = prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  clear(): void {
    this.statements.clear();
  }
}
