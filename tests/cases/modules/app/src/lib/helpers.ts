export function done(c) { c.release(); }
export function keep(c) {}
