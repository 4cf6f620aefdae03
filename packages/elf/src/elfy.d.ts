declare module 'elfy' {
  const elfy: { parse(buffer: Uint8Array): any };
  export default elfy;
}
