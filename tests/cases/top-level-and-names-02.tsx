// expect: leak line 5 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
export default async function Page() {
  const c = await pool.connect();
  const r = await c.query<{ n: number }>('x');
  return <div>{r.rows.length}</div>;
}
