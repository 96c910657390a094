import { Pool } from 'undici';
export const pool = new Pool('http://x');
