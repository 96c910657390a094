// expect: clean
import { Pool } from 'pg';
export class R {
  private pool: Socket;
  async f() {
    const c = await this.pool.connect();
    await c.foo();
  }
}
