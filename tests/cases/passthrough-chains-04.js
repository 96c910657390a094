// expect: leak line 5 kind discarded
import { Pool } from 'pg';
const pool = new Pool();
function f() {
  pool.connect().catch(console.error);
}
