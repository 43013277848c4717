// Koa 2 is installed under the alias `koa2` to test both majors; typed like Koa 3 here.
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
