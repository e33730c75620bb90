import { Identity } from '@parcours/auth';
import { ReadScope } from '@parcours/projections';
import { Problem } from '@parcours/application';

/** What a caller may see of the read models: their own portfolio, their territoire, or everything. */
export function readScopeOf(who: Identity): ReadScope {
  switch (who.role) {
    case 'referent':
      return { kind: 'referent', referentId: who.referentId! };
    case 'slai':
      return { kind: 'territory', territory: who.territory! };
    case 'departement':
      return { kind: 'all' };
    default:
      throw Problem.forbidden();
  }
}
