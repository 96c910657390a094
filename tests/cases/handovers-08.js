// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
class A {
  async f() {
    this.c = await pool.connect();
  }
}
