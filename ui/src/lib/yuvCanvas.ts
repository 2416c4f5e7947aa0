// Draws I420 pictures on a canvas: with WebGL (three single-channel textures, BT.601 limited range
// converted in the fragment shader), or, where WebGL is unavailable, converted in script onto a 2D canvas.

import type { Picture } from "./picture";

const VERTEX = `
attribute vec2 position;
varying vec2 uv;
void main() {
  uv = vec2((position.x + 1.0) / 2.0, (1.0 - position.y) / 2.0);
  gl_Position = vec4(position, 0.0, 1.0);
}`;

const FRAGMENT = `
precision mediump float;
varying vec2 uv;
uniform sampler2D planeY;
uniform sampler2D planeU;
uniform sampler2D planeV;
void main() {
  float y = 1.164 * (texture2D(planeY, uv).r - 0.0625);
  float u = texture2D(planeU, uv).r - 0.5;
  float v = texture2D(planeV, uv).r - 0.5;
  gl_FragColor = vec4(y + 1.596 * v, y - 0.391 * u - 0.813 * v, y + 2.018 * u, 1.0);
}`;

export type Renderer = "webgl" | "2d";

interface Painter {
  kind: Renderer;
  paint(picture: Picture): void;
  /** Gives the drawing context back (WebKit allows only a few WebGL contexts at once). */
  release(): void;
}

function compile(gl: WebGLRenderingContext, kind: number, source: string): WebGLShader | null {
  const shader = gl.createShader(kind);
  if (!shader) return null;
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  return gl.getShaderParameter(shader, gl.COMPILE_STATUS) ? shader : null;
}

function webglPainter(canvas: HTMLCanvasElement): Painter | null {
  const gl = canvas.getContext("webgl");
  if (!gl) return null;
  const vertex = compile(gl, gl.VERTEX_SHADER, VERTEX);
  const fragment = compile(gl, gl.FRAGMENT_SHADER, FRAGMENT);
  const program = gl.createProgram();
  if (!vertex || !fragment || !program) return null;
  gl.attachShader(program, vertex);
  gl.attachShader(program, fragment);
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) return null;
  gl.useProgram(program);

  const quad = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, quad);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const position = gl.getAttribLocation(program, "position");
  gl.enableVertexAttribArray(position);
  gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);

  const textures = ["planeY", "planeU", "planeV"].map((name, unit) => {
    const texture = gl.createTexture();
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.uniform1i(gl.getUniformLocation(program, name), unit);
    return texture;
  });
  // Plane rows are tightly packed; a 2-pixel-wide chroma row is not 4-byte aligned.
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);

  return {
    kind: "webgl",
    release() {
      gl.getExtension("WEBGL_lose_context")?.loseContext();
    },
    paint(picture) {
      if (canvas.width !== picture.width || canvas.height !== picture.height) {
        canvas.width = picture.width;
        canvas.height = picture.height;
      }
      gl.viewport(0, 0, picture.width, picture.height);
      const planes: [Uint8Array, number, number][] = [
        [picture.y, picture.width, picture.height],
        [picture.u, picture.width / 2, picture.height / 2],
        [picture.v, picture.width / 2, picture.height / 2],
      ];
      planes.forEach(([data, width, height], unit) => {
        gl.activeTexture(gl.TEXTURE0 + unit);
        gl.bindTexture(gl.TEXTURE_2D, textures[unit]);
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE, width, height, 0, gl.LUMINANCE, gl.UNSIGNED_BYTE, data);
      });
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    },
  };
}

/** BT.601 limited range to RGBA, the same formula as the shader. */
export function i420ToRgba(picture: Picture, out: Uint8ClampedArray): void {
  const { width, height, y, u, v } = picture;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const c = (row >> 1) * (width >> 1) + (col >> 1);
      const luma = 1.164 * (y[row * width + col] - 16);
      const cb = u[c] - 128;
      const cr = v[c] - 128;
      const at = (row * width + col) * 4;
      out[at] = luma + 1.596 * cr;
      out[at + 1] = luma - 0.391 * cb - 0.813 * cr;
      out[at + 2] = luma + 2.018 * cb;
      out[at + 3] = 255;
    }
  }
}

function canvas2dPainter(canvas: HTMLCanvasElement): Painter | null {
  const context = canvas.getContext("2d");
  if (!context) return null;
  let image: ImageData | null = null;
  return {
    kind: "2d",
    release() {},
    paint(picture) {
      if (!image || image.width !== picture.width || image.height !== picture.height) {
        canvas.width = picture.width;
        canvas.height = picture.height;
        image = context.createImageData(picture.width, picture.height);
      }
      i420ToRgba(picture, image.data);
      context.putImageData(image, 0, 0);
    },
  };
}

export class YuvCanvas {
  private painter: Painter | null;

  constructor(canvas: HTMLCanvasElement) {
    // WebGL is tried on a scratch canvas first: a canvas that gave a WebGL context whose shaders then
    // failed can no longer give a 2D one.
    const probe = webglPainter(document.createElement("canvas"));
    probe?.release();
    this.painter = (probe ? webglPainter(canvas) : null) ?? canvas2dPainter(canvas);
  }

  release(): void {
    this.painter?.release();
    this.painter = null;
  }

  get renderer(): Renderer | null {
    return this.painter?.kind ?? null;
  }

  draw(picture: Picture): void {
    this.painter?.paint(picture);
  }
}
