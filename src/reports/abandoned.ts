/**
 * The output was closed before the workbook was complete (the person cancelled the download).
 * A module of its own: the web process checks for it without loading exceljs.
 */
export class WorkbookAbandonedError extends Error {
  constructor() {
    super('the workbook output was closed before the workbook was complete');
    this.name = 'WorkbookAbandonedError';
  }
}
