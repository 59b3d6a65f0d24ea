import { findIana } from 'windows-iana';
import type { IanaZoneOf } from '../domain/eventTime';

/** CLDR's Windows-to-IANA table (windowsZones.xml, through windows-iana): its first, canonical zone. */
export const ianaZoneOf: IanaZoneOf = (windowsName) => findIana(windowsName)[0];
