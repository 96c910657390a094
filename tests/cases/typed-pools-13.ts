// expect: clean
import { Pool } from 'pg';
export class R {
  constructor(db: Pool) {}
  async f() {
    const c = await this.db.connect();
    await c.foo();
  }
}
