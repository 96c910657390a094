// a fresh checkout returned: the caller owns it
// expect: leak line 10 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
class R {
  connect() {
    return pool.connect();
  }
  async run(sql) {
    const c = await this.connect();
    return c.query(sql);
  }
}
