// expect: leak line 6 kind never-released via end exit 8
import { Pool } from 'pg';
export class R {
  constructor(private readonly db: Pool) {}
  async f() {
    const c = await this.db.connect();
    await c.foo();
  }
}
