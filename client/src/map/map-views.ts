/** The London region (Y56): on the England map its sites are shown in an enlarged inset. */
export const LONDON = 'Y56';

/** The England (or one region's) map view's box: England's shape, about 5:6. */
export const ENGLAND_BOX = { width: 600, height: 720 } as const;

/** The London inset's box: London is wider than tall. */
export const INSET_BOX = { width: 600, height: 400, padding: 16 } as const;
