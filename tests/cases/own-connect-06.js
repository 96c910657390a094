// expect: leak line 9 kind discarded
import { Pool } from 'pg';
const pool = new Pool();
class R {
  connect() {
    return pool.connect();
  }
  async ping() {
    await this.connect();
  }
}
