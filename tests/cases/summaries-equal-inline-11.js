// the kept result is the client: releasing it releases (the call itself may throw, §3)
// expect: leak line 7 kind release-not-guaranteed via exception exit 8
import { Pool } from 'pg';
const pool = new Pool();
const tap = (c) => c;
async function f() {
  const c = await pool.connect();
  const d = tap(c);
  d.release();
}
