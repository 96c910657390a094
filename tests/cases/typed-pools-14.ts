// expect: leak line 6 kind never-released via end exit 8
import { Pool } from 'pg';
export class R {
  constructor(pool: Pool) { this.pool = pool; }
  async f() {
    const c = await this.pool.connect();
    await c.foo();
  }
}
