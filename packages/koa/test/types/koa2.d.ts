// Koa 2 is installed under the alias `koa2` to test both majors; its API is typed like Koa 3's
// for the purposes of these tests.
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
