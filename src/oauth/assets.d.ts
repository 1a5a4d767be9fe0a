// The sign-in page's files, inlined as text: by esbuild's text loader in the build, by Vite's ?raw in the tests.
declare module '*.html?raw' {
  const text: string;
  export default text;
}
declare module '*.css?raw' {
  const text: string;
  export default text;
}
