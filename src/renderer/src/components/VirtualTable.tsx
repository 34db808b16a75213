import { useVirtualizer } from '@tanstack/react-virtual'
import type { JSX, ReactNode } from 'react'
import { useEffect, useRef } from 'react'

export interface Column<Row> {
  key: string
  header: string
  /** CSS grid track, e.g. `80px` or `2fr`. */
  width: string
  render(row: Row): ReactNode
}

export interface VirtualTableProps<Row> {
  columns: Column<Row>[]
  rowCount: number
  /** A row, or undefined while its page is still loading. */
  getRow(index: number): Row | undefined
  /** Called with the visible index range so the owner can fetch the pages it lacks. */
  onVisibleRangeChange?(start: number, end: number): void
  rowHeight?: number
  onRowClick?(row: Row, index: number): void
  selectedIndex?: number | null
  label: string
}

/**
 * A table that renders only the rows on screen (TanStack Virtual), so a 7,500-question dataset or a 200,000-node
 * run scrolls as smoothly as ten rows. Rows are fetched lazily by the owner.
 */
export function VirtualTable<Row>(props: VirtualTableProps<Row>): JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null)
  const rowHeight = props.rowHeight ?? 34
  const virtualizer = useVirtualizer({
    count: props.rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0
  const { onVisibleRangeChange } = props
  useEffect(() => {
    if (props.rowCount > 0) onVisibleRangeChange?.(first, last)
  }, [first, last, props.rowCount, onVisibleRangeChange])

  const template = props.columns.map((column) => column.width).join(' ')
  return (
    <div className="vtable" role="table" aria-label={props.label} aria-rowcount={props.rowCount}>
      <div className="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
        {props.columns.map((column) => (
          <div key={column.key} role="columnheader" className="vtable-cell">
            {column.header}
          </div>
        ))}
      </div>
      <div className="vtable-body" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = props.getRow(item.index)
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 1}
                className={`vtable-row${props.selectedIndex === item.index ? ' selected' : ''}${props.onRowClick ? ' clickable' : ''}`}
                style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${item.start}px)` }}
                onClick={row && props.onRowClick ? () => props.onRowClick!(row, item.index) : undefined}
              >
                {row
                  ? props.columns.map((column) => (
                      <div key={column.key} role="cell" className="vtable-cell">
                        {column.render(row)}
                      </div>
                    ))
                  : <div className="vtable-cell muted">loading…</div>}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
