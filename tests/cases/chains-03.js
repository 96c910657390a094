// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function f() {
  return pool.connect().then((c) => c.query('x').then((r) => { c.release(); return r; }, (e) => { c.release(); throw e; }));
}
