// expect: clean
import { Pool } from 'pg';
export class R {
  constructor(pool: Socket) { this.pool = pool; }
  async f() {
    const c = await this.pool.connect();
    await c.foo();
  }
}
