// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function f(cb) {
  pool.connect((err, c, done) => {
    if (err) return cb(err);
    c.query('x', (e, r) => {
      done();
      cb(e, r);
    });
  });
}
