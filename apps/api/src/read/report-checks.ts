import { Problem } from '@parcours/application';
import { INDICATORS } from '@parcours/projections';

/**
 * Rules between well-formed values of a report's request (the document cannot say them): 422, as every rule.
 * `from` and `to` are dates or months, compared as text.
 */
export function checkPeriod(from: string, to: string, asOf?: string, today?: string): void {
  if (from > to)
    throw new Problem({
      statusCode: 422,
      code: 'PERIOD_END_BEFORE_START',
      message: 'La période doit commencer avant de finir.',
      field: 'from',
    });
  if (asOf && today && asOf > today)
    throw new Problem({
      statusCode: 422,
      code: 'AS_OF_IN_FUTURE',
      message: 'asOf ne peut être dans le futur.',
      field: 'asOf',
    });
}

/** The indicator codes asked (`codes=a,b`), every one of them known; undefined for all. */
export function indicatorCodes(codes: string | undefined): string[] | undefined {
  const asked = codes?.split(',');
  const unknown = asked?.filter((c) => !INDICATORS.some((d) => d.code === c));
  if (unknown?.length)
    throw new Problem({
      statusCode: 422,
      code: 'INDICATOR_UNKNOWN',
      message: `Indicateurs inconnus : ${unknown.join(', ')}.`,
      field: 'codes',
    });
  return asked;
}
