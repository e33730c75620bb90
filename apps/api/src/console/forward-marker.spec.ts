import { FORWARD_HEADER, forwardMarker, isConsoleForward } from './forward-marker';

describe('the mark of a read forwarded by the console', () => {
  it('is recognised only with this process secret', () => {
    expect(isConsoleForward({ headers: { [FORWARD_HEADER]: forwardMarker() } })).toBe(true);
    expect(isConsoleForward({ headers: {} })).toBe(false);
    expect(isConsoleForward({ headers: { [FORWARD_HEADER]: 'x'.repeat(forwardMarker().length) } })).toBe(
      false,
    );
    expect(isConsoleForward({ headers: { [FORWARD_HEADER]: [forwardMarker()] } })).toBe(false);
  });
});
