// Chart colours come from VS Code's theme variables, read at run time; when the user switches theme VS Code
// changes the body's class (vscode-light / vscode-dark / vscode-high-contrast…), and we read them again.

export interface ThemeColors {
  kind: string;
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  loss: string;
  smoothed: string;
  overlay: string;
  bounds: string;
  band: string;
  diverged: string;
  momentum: string;
  focus: string;
  font: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value || fallback;
}

/** `color` with the given alpha (any CSS colour; uses color-mix, which VS Code's Chromium supports). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color)?.[1];
  if (hex && (hex.length === 6 || hex.length === 8)) {
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}

export function themeKind(): string {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes.contains('vscode-light')) return 'light';
  if (classes.contains('vscode-dark')) return 'dark';
  return 'unknown';
}

export function readThemeColors(): ThemeColors {
  const style = getComputedStyle(document.body);
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const highContrast = kind.startsWith('high-contrast');
  const foreground = cssVar(style, '--vscode-foreground', light ? '#3b3b3b' : '#cccccc');
  const smoothed = cssVar(style, '--vscode-charts-blue', light ? '#1a85ff' : '#3794ff');
  const bounds = cssVar(style, '--vscode-charts-green', light ? '#388a34' : '#89d185');
  return {
    kind,
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d'),
    grid: withAlpha(cssVar(style, '--vscode-editorWidget-border', light ? '#c8c8c8' : '#454545'), highContrast ? 0.9 : 0.5),
    background: cssVar(style, '--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    loss: withAlpha(cssVar(style, '--vscode-charts-foreground', foreground), highContrast ? 0.6 : 0.3),
    smoothed,
    overlay: cssVar(style, '--vscode-charts-orange', light ? '#d18616' : '#d18616'),
    bounds,
    band: withAlpha(bounds, highContrast ? 0.25 : 0.12),
    diverged: cssVar(style, '--vscode-charts-red', light ? '#e51400' : '#f14c4c'),
    momentum: cssVar(style, '--vscode-charts-purple', light ? '#652d90' : '#b180d7'),
    focus: cssVar(style, '--vscode-focusBorder', '#007fd4'),
    font: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
  };
}

/** Calls `onChange` whenever VS Code switches the theme. */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(() => onChange()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
