// expect: leak line 6 kind discarded
import { Pool } from 'pg';
class S {
  #p = new Pool();
  async f() {
    await this.#p.connect();
  }
}
