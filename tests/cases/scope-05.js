// the query callback's `err` is not the connect callback's
// expect: leak line 6 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
function f(cb) {
  pool.connect((err, c, done) => {
    if (err) return cb(err);
    c.query('x', (err, r) => {
      if (err) return cb(err);
      done();
      cb(null, r);
    });
  });
}
