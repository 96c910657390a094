// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
export async function f(): Promise<void> {
  const c = (await pool.connect()) as any;
  c!.release();
}
