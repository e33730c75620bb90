import { DateField, IdField } from '../http/fields';
import { Paged } from '../read/read.dto';

export class AuditQuery extends Paged {
  @IdField(false, 'Seulement les consultations de ce parcours') parcoursId?: string;
  @IdField(false, 'Seulement les consultations de cet agent (sub de son jeton)') actor?: string;
  @DateField(false, 'Consultations à partir de ce jour (inclus, heure de Paris)') from?: string;
  @DateField(false, 'Consultations jusqu’à ce jour (inclus, heure de Paris)') to?: string;
}
