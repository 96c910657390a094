// methods of the same file, called on this
// expect: leak line 11 kind release-not-guaranteed via exception exit 12
import { Pool } from 'pg';
const pool = new Pool();
class R {
  private async use(c: any) {
    await c.query('SET x');
  }
  private done = (c: any) => c.release();
  async f() {
    const c = await pool.connect();
    await this.use(c);
    this.done(c);
  }
  async g() {
    const c = await pool.connect();
    try {
      await this.use(c);
    } finally {
      this.done(c);
    }
  }
}
