// the nearest class decides; a connect that hands out no client is no acquisition
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
class R {
  connect() {
    return pool.connect();
  }
}
class R {
  async connect() {
    this.client = await pool.connect();
    return this.client;
  }
  async run() {
    const c = await this.connect();
    await c.query('x');
  }
}
