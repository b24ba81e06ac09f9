import { Resvg } from '@resvg/resvg-js';

/**
 * Rasterises an SVG document to PNG bytes with resvg (Rust, prebuilt in the npm package: no browser, no
 * canvas). Text uses the system's fonts; DejaVu Sans (Debian fonts-dejavu-core) is asked for first.
 */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
