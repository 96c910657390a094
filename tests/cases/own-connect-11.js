// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
class W {
  async connect() {
    await this.raw.connect();
  }
  async run() {
    const c = await this.connect();
    await c.query('x');
  }
}
