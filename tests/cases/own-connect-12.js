// with a callback, the callback's client is the caller's to release, whatever connect returns
// expect: leak line 11 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
class R {
  async connect() {
    this.client = await pool.connect();
    return this.client;
  }
  run() {
    this.connect((err, c) => {
      if (err) return;
      c.query('x');
    });
  }
}
