"""The labels of the index pages (notebooks 01–04), in Vietnamese and English."""

from __future__ import annotations


from .common import _pick


_IX = {
    # titles and headings
    "sub_plan": ("Kết quả năm {b}, chỉ tiêu năm {t} theo kế hoạch của tỉnh; mục tiêu năm {t}: {goal}.",
                 "The {b} results and the {t} targets of the province's plan; goal for {t}: {goal}."),
    "sub_year": ("Tỉnh chưa có kế hoạch cho năm {t}: phân tích dựa trên số liệu năm {t} của các tỉnh, "
                 "thành phố (không có chỉ tiêu, không có mục tiêu thứ hạng).",
                 "No plan of the province for {t}: the analysis rests on the {t} peer data (no targets, "
                 "no rank goal)."),
    "no_data": ("Không có điểm thành phần {index} của {name} năm {year} trong số liệu: {why}",
                "No {index} component values for {name} in {year} in the data: {why}"),
    "years_held": ("các năm có số liệu của tỉnh: {years}", "years with the province's values: {years}"),
    "no_years": ("chưa có năm nào", "none"),
    "partial_year": ("năm {year} chỉ có {have} trên {total} chỉ số thành phần được công bố, nên không có "
                     "điểm tổng hợp", "in {year} only {have} of its {total} components are published, so "
                     "there is no composite"),
    "published_only": ("chỉ có kết quả công bố năm {year}: điểm tổng hợp {composite}, thứ hạng {rank}",
                       "only the published {year} result: composite {composite}, rank {rank}"),
    "skip": ("Không có số liệu để phân tích phần này.", "No data to analyse this part."),
    "h_data": ("Số liệu cho phép phân tích gì", "What the data allows"),
    "h_components": ("Kết quả {b} so với chỉ tiêu {t} theo chỉ số thành phần",
                     "The {b} results against the {t} targets, by component"),
    "h_components_year": ("Điểm các chỉ số thành phần năm {b}", "Component values in {b}"),
    "h_leverage": ("Đòn bẩy: thứ hạng tăng thêm theo chỉ số thành phần",
                   "Leverage: ranks gained per component"),
    "h_leverage_points": ("Đòn bẩy: điểm tổng hợp tăng thêm theo chỉ số thành phần",
                          "Leverage: composite points per component"),
    "h_realism": ("Tính khả thi của chỉ tiêu", "How realistic the targets are"),
    "h_odds": ("Khả năng đạt mục tiêu thứ hạng", "Odds of the rank goal"),
    "h_odds_year": ("Khả năng giữ thứ hạng năm {y}", "Odds of keeping the {y} rank"),
    "h_paths": ("Lộ trình ít tốn kém nhất và thứ hạng tốt nhất theo ngân sách",
                "Cheapest path to the goal, best rank for a budget"),
    "h_regional": ("Vị trí trong vùng", "Regional standing"),
    "h_settings": ("Thiết lập chưa kiểm chứng", "Unverified settings"),
    "h_peers": ("Điểm của các tỉnh, thành phố năm {y}", "The provinces' scores in {y}"),
    # what the data allows
    "coverage.full": ("chính xác (đủ mọi tỉnh)", "exact (every province known)"),
    "coverage.partial": ("khoảng (một phần bảng xếp hạng, có giả định)",
                         "interval (part of the table, with assumptions)"),
    "coverage.anchors": ("khoảng rộng (chỉ vài mốc công bố)", "wide interval (a few published anchors)"),
    "coverage.none": ("không xếp hạng được (không có điểm tỉnh khác)",
                      "no rank (no other province's score)"),
    "row.composite": ("Điểm tổng hợp {y}", "Composite {y}"),
    "row.target_composite": ("Điểm tổng hợp theo chỉ tiêu {y}", "Composite of the {y} targets"),
    "row.rank": ("Thứ hạng {y}", "Rank {y}"),
    "row.implied": ("Thứ hạng ứng với chỉ tiêu (các tỉnh khác giữ nguyên như năm {y})",
                    "Rank the targets imply (peers as they stood in {y})"),
    "row.goal": ("Mục tiêu thứ hạng {y}", "Rank goal {y}"),
    "row.coverage": ("Thứ hạng từ số liệu", "Ranks from the data"),
    "col.measure": ("Nội dung", "Measure"),
    "col.value": ("Giá trị", "Value"),
    "published_rank": ("{rank}/{n} (theo công bố)", "{rank} of {n} (as published)"),
    "placed": ("điểm tổng hợp tính từ các thành phần được xếp {rank} trong số liệu hiện có",
               "the composite computed from the components places {rank} in the data held"),
    "range": ("{value} (khoảng {low} – {high} theo các thiết lập chưa kiểm chứng phù hợp với các mốc công bố)",
              "{value} (range {low} – {high} over the unverified settings consistent with the published "
              "anchors)"),
    "unverified_note": ("Điểm tổng hợp dựa trên {n} thiết lập chưa kiểm chứng (mục “thiết lập chưa kiểm chứng” "
                        "bên dưới): các mốc công bố loại những thiết lập trái với chúng, và mọi số liệu dựa "
                        "trên các thiết lập được nêu kèm khoảng trên phần còn lại.",
                        "The composite rests on {n} unverified settings (the section on unverified settings "
                        "below): the published anchors exclude the settings that contradict them, and every "
                        "figure resting on the settings comes with its range over what remains."),
    # leverage
    "lev_intro": ("Số bậc xếp hạng tăng thêm nếu chỉ riêng chỉ số thành phần đó cải thiện (các tỉnh khác giữ "
                  "nguyên như năm {y}). Khi chỉ biết một phần bảng xếp hạng, kết quả là khoảng: ≈ giá trị "
                  "trung tâm (thấp nhất – cao nhất). Mức cải thiện điển hình: trung vị mức tăng trong một năm "
                  "của các tỉnh có tăng điểm trong số liệu thực tế.",
                  "Ranks gained if that component alone improves (peers as they stood in {y}). Where only "
                  "part of the table is known, an interval: ≈ central value (worst – best). A typical "
                  "improvement: the median one-year gain of the provinces that improved in the real panels."),
    "lev_points_intro": ("Chưa xếp hạng được nên đòn bẩy được đo bằng điểm tổng hợp: số điểm tổng hợp tăng "
                         "thêm cho mỗi đơn vị và cho một bước bằng 1% thang điểm của chỉ số thành phần.",
                         "No rank can be computed, so leverage is measured in composite points: per unit of "
                         "the component and per step of 1% of its range."),
    "lev.component": ("Chỉ số thành phần", "Component"),
    "lev.value": ("Điểm {y}", "Value {y}"),
    "lev.ppu": ("Điểm tổng hợp / 1 đơn vị", "Composite points per unit"),
    "lev.typical_move": ("Mức cải thiện điển hình (1 năm)", "Typical one-year gain"),
    "lev.typical_points": ("Điểm tổng hợp của mức điển hình", "Composite points of a typical gain"),
    "lev.step_points": ("Điểm tổng hợp của bước 1%", "Composite points of a 1% step"),
    "lev.target_points": ("Điểm tổng hợp khi đạt chỉ tiêu", "Composite points of reaching the target"),
    "lev.step": ("Hạng tăng: bước 1%", "Ranks gained: 1% step"),
    "lev.typical": ("Hạng tăng: mức điển hình", "Ranks gained: typical gain"),
    "lev.strong": ("Hạng tăng: mức mạnh (P90)", "Ranks gained: strong gain (P90)"),
    "lev.target": ("Hạng tăng: đạt chỉ tiêu", "Ranks gained: reaching the target"),
    "lev.frontier": ("Hạng tăng: bằng tỉnh cao nhất", "Ranks gained: matching the best province"),
    "lev.regional": ("Hạng tăng trong vùng: mức điển hình", "Regional ranks gained: typical gain"),
    "lev_fig": ("Thứ hạng tăng thêm nhờ mức cải thiện điển hình trong một năm\n{index}",
                "Ranks gained by a typical one-year improvement\n{index}"),
    "lev_fig_step": ("Thứ hạng tăng thêm nhờ bước tăng 1% thang điểm\n{index}",
                     "Ranks gained by a step of 1% of the range\n{index}"),
    "lev_fig_points": ("Điểm tổng hợp tăng thêm nhờ bước tăng 1% thang điểm\n{index}",
                       "Composite points from a step of 1% of the range\n{index}"),
    "lev_dagger": ("†: chưa có số liệu thực tế về mức cải thiện: mức điển hình và mức mạnh lấy bằng trung vị của "
                   "các chỉ số thành phần khác (một giả định).",
                   "†: no real improvement data: its typical and strong gains are the median of the other "
                   "components' (an assumption)."),
    "lev_xlabel_points": ("Điểm tổng hợp tăng thêm", "Composite points gained"),
    "missing_head": ("Còn thiếu:", "Missing:"),
    # realism
    "real_intro": ("Mỗi mức tăng theo chỉ tiêu ({h} năm) được so với mọi thay đổi thực tế trong {h} năm "
                   "của cùng chỉ số thành phần trong số liệu các tỉnh (cùng một phương pháp tính).",
                   "Each target gain ({h} years) is set against every real {h}-year change of the same "
                   "component in the peer panels (within one methodology era)."),
    "real_none": ("Không có chỉ tiêu: cần kế hoạch của tỉnh để đánh giá tính khả thi.",
                  "No targets: judging how realistic they are needs the province's plan."),
    "real_no_panel": ("Chưa có số liệu bảng (panel) {index} của mọi tỉnh qua nhiều năm: không so sánh được "
                      "mức tăng theo chỉ tiêu với thay đổi thực tế (chưa biết).",
                      "No {index} panel of every province over several years: the target gains cannot be "
                      "set against real changes (unknown)."),
    "real.baseline": ("Năm {y}", "{y}"),
    "real.target": ("Chỉ tiêu {y}", "Target {y}"),
    "real.gain": ("Mức tăng", "Gain"),
    "real.n": ("Số thay đổi thực tế", "Real changes"),
    "real.pairs": ("Các cặp năm", "Year pairs"),
    "real.share": ("Tỷ lệ thay đổi thực tế ≥ mức tăng", "Share of real changes as large"),
    "real.pct": ("Bách phân vị", "Percentile"),
    "real.verdict": ("Đánh giá", "Verdict"),
    "verdict.unknown": ("chưa biết (không có số liệu bảng)", "unknown (no panel)"),
    "verdict.none": ("không tăng", "no gain"),
    "verdict.common": ("thường gặp", "common"),
    "verdict.above": ("trên mức trung vị", "above the median change"),
    "verdict.ambitious": ("cao (nhóm 25% thay đổi lớn nhất)", "ambitious (top quarter of real changes)"),
    "verdict.rare": ("hiếm (nhóm 10% lớn nhất)", "rare (top tenth)"),
    "verdict.beyond": ("vượt hầu hết thay đổi thực tế (trên 99%)", "beyond almost every real change (above 99%)"),
    # odds
    "odds.simulation": ("Mô phỏng từ bảng xếp hạng đầy đủ năm {origin}: các tỉnh khác giữ vị trí như các cặp năm thực tế "
                        "cho thấy và cả bảng dịch chuyển chung một mức rút từ phân phối dự báo dựa trên {pairs} cặp "
                        "năm ({sims} lần mô phỏng, hạt giống {seed}); điểm tổng hợp của tỉnh giả định đạt {composite}.",
                        "Simulated from the full {origin} table: the peers keep their places as the real year pairs "
                        "show and the whole field moves by a common shift drawn from a predictive that rests on "
                        "{pairs} year pairs ({sims} simulations, seed {seed}); the province's composite is assumed "
                        "to reach {composite}."),
    "odds.threshold": ("Chỉ biết một phần bảng xếp hạng: xác suất để điểm {composite} đạt điểm của hạng {goal} năm "
                       "{t}, điểm này ước tính từ các mốc năm {b} cộng mức thay đổi thực tế của điểm ở hạng đó. "
                       "Khoảng trong ngoặc: theo đầu thấp và đầu cao của điểm hạng {goal}.",
                       "Only part of the table is known: the probability that {composite} reaches the score of "
                       "rank {goal} in {t}, taken as the {b} anchors plus a change like the real changes of the "
                       "score at that rank. In brackets: the range over the low and high end of that score."),
    "odds.keep": ("Không có chỉ tiêu: xác suất giữ hạng {goal} trở lên năm {t} nếu điểm tổng hợp giữ nguyên "
                  "{composite}.",
                  "No targets: the probability of rank {goal} or better in {t} if the composite stays at "
                  "{composite}."),
    "odds.no_goal": ("Không tính được xác suất: chưa có mục tiêu thứ hạng hoặc thứ hạng hiện tại.",
                     "No odds: there is neither a rank goal nor a current rank."),
    "odds_none": ("Không tính được xác suất:", "No odds can be computed:"),
    "assumptions_head": ("Giả định của mô hình:", "Assumptions:"),
    "assumptions_head_en": ("Giả định của mô hình (nguyên văn tiếng Anh):", "Assumptions:"),
    "odds.median": ("Thứ hạng trung vị", "Median rank"),
    "odds.band": ("Khoảng 5–95%", "5–95% range"),
    "odds.p": ("P(đạt hạng {goal} trở lên)", "P(rank {goal} or better)"),
    # optimizer
    "path_intro": ("Bộ tối ưu (quy hoạch tuyến tính) chọn mức cải thiện ít tốn kém nhất để đạt mục tiêu, và "
                   "phân bổ một ngân sách {budget:g} đơn vị chi phí để có thứ hạng tốt nhất. Một đơn vị chi phí "
                   "= một mức cải thiện điển hình trong một năm của một chỉ số thành phần; mỗi chỉ số thành phần "
                   "tăng tối đa bằng mức tăng mạnh (P90) mỗi năm trong {years} năm. Các tỉnh khác giữ nguyên "
                   "như năm {y}.",
                   "The optimizer (a linear program) picks the least costly improvements that reach the goal, "
                   "and spends a budget of {budget:g} cost units for the best rank. One cost unit = a typical "
                   "one-year improvement of one component; each component rises at most by a strong (P90) "
                   "one-year gain per year over {years} years. Peers as they stood in {y}."),
    "path_required": ("Điểm tổng hợp cần cho hạng {goal} (đầu cao, thận trọng: mục tiêu đạt dù phần chưa biết "
                      "của bảng xếp hạng ra sao): {value}.",
                      "Composite needed for rank {goal} (upper end, conservative: the goal holds whatever the "
                      "unknown part of the table is): {value}."),
    "path_anchors": ("Chỉ có vài mốc công bố: điểm cần cho hạng {goal} chỉ được chặn bởi mốc gần nhất phía trên, "
                     "nên lộ trình thận trọng nhắm tới điểm của mốc đó.",
                     "Only a few published anchors: the score rank {goal} needs is bounded only by the nearest "
                     "anchor above it, so the conservative path aims at that anchor's score."),
    "path_goal": ("Đến mục tiêu hạng {goal}: {text}", "To the goal, rank {goal}: {text}"),
    "path_budget": ("Với ngân sách {budget:g}: {text}", "With a budget of {budget:g}: {text}"),
    "path_no_goal": ("Không có mục tiêu thứ hạng (chưa có kế hoạch): chỉ tính thứ hạng tốt nhất theo ngân sách.",
                     "No rank goal (no plan): only the best rank for a budget."),
    "path_none": ("Không tối ưu được: cần thứ hạng, mà chưa có điểm của các tỉnh khác.",
                  "No optimization: it needs ranks, and no other province's score is known."),
    "dagger": ("†: chưa có số liệu thực tế về mức cải thiện: bộ tối ưu dùng độ khó và mức tăng tối đa bằng trung "
               "vị của các chỉ số thành phần khác (một giả định).",
               "†: no real improvement data: the optimizer gives it the median difficulty and yearly cap of "
               "the other components (an assumption)."),
    "dagger_none": ("†: chưa có số liệu thực tế về mức cải thiện của chỉ số nào: chi phí một đơn vị = 1/thang điểm "
                    "của chỉ số thành phần và không có giới hạn theo năm ngoài điểm tối đa, nên lộ trình chỉ cho "
                    "thấy phép tính điểm, không phải mức cải thiện khả thi.",
                    "†: no real improvement data for any component: one unit costs 1/the component's range and "
                    "there is no yearly cap but the maximum, so the path shows the arithmetic, not a feasible "
                    "improvement."),
    "path.component": ("Chỉ số thành phần", "Component"),
    "path.value": ("Điểm {y}", "Value {y}"),
    "path.cap": ("Mức tăng tối đa", "Largest gain allowed"),
    "path.goal_move": ("Tăng: đến mục tiêu", "Gain: to the goal"),
    "path.goal_cost": ("Chi phí: đến mục tiêu", "Cost: to the goal"),
    "path.budget_move": ("Tăng: ngân sách {budget:g}", "Gain: budget {budget:g}"),
    "path.budget_cost": ("Chi phí: ngân sách {budget:g}", "Cost: budget {budget:g}"),
    "path_fig_goal": ("Lộ trình ít tốn kém nhất đến hạng {goal}\n{index}",
                      "Cheapest path to rank {goal}\n{index}"),
    "path_fig_budget": ("Thứ hạng tốt nhất với ngân sách {budget:g}\n{index}",
                        "Best rank for a budget of {budget:g}\n{index}"),
    # regional
    "reg.region": ("Vùng", "Region"),
    "reg.size": ("Số tỉnh, thành phố trong vùng", "Provinces in the region"),
    "reg.rank": ("Thứ hạng trong vùng {y}", "Regional rank {y}"),
    "reg.implied": ("Thứ hạng trong vùng ứng với chỉ tiêu", "Regional rank the targets imply"),
    "reg.goal": ("Mục tiêu trong vùng {y}", "Regional goal {y}"),
    "reg.mean": ("Điểm trung bình vùng {y} (công bố)", "Regional mean {y} (published)"),
    "reg.gap": ("Chênh lệch so với trung bình vùng", "Gap to the regional mean"),
    "reg.unknown": ("chưa biết", "unknown"),
    "reg.region_rule": ("Vùng ({rule})", "Region ({rule})"),
    "reg.other_region": ("Vùng theo quy tắc khác ({rule}; số đơn vị)",
                         "Region by the other rule ({rule}; units)"),
    "reg.other_rank": ("Thứ hạng trong vùng {y} theo quy tắc khác", "Regional rank {y} by the other rule"),
    "reg.goal_text": ("{rank}/{n}", "{rank} of {n}"),
    # unverified settings
    "set.intro": ("Các thiết lập sau chưa kiểm chứng; bảng dưới cho khoảng chính xác của điểm tổng hợp khi mọi "
                  "thiết lập cùng thay đổi trong phạm vi hợp lý (các góc của miền).",
                  "These settings are not verified; the table below gives the exact range of the composite "
                  "when every setting moves within its plausible range at once (the corners of the box)."),
    "set.setting": ("Thiết lập", "Setting"),
    "set.default": ("Mặc định", "Default"),
    "set.low": ("Thấp nhất", "Low"),
    "set.high": ("Cao nhất", "High"),
    "set.what": ("Nội dung", "What"),
    "set.default_value": ("Theo mặc định", "At default"),
    "set.rank": ("Khoảng thứ hạng", "Rank range"),
    "set.weight": ("trọng số {name}", "weight of {name}"),
    "set.none": ("{index} không có thiết lập chưa kiểm chứng.", "{index} has no unverified setting."),
    "set.fitted": ("Trọng số {index} từ năm {year} được ước lượng từ số liệu công bố (chưa có văn bản của "
                   "đơn vị xây dựng chỉ số): một thiết lập nhà phân tích có thể thay. Bảng dưới so với "
                   "trọng số giai đoạn trước.",
                   "The {index} weights from {year} are fitted from published figures (no text of the "
                   "publisher states them): a setting an analyst can override. The table compares them "
                   "with the previous era's."),
    "set.fitted_weight": ("Trọng số từ {year} (ước lượng)", "Weight from {year} (fitted)"),
    "set.previous_weight": ("Trọng số {years}", "Weight {years}"),
    # peer distribution
    "peers_text": ("Năm {y} là năm gần nhất có điểm của mọi tỉnh, thành phố ({n} tỉnh). {name}: {own}, hạng "
                   "{rank}/{n}; trung vị các tỉnh {median}; cao nhất {top}; thấp nhất {bottom}.",
                   "{y} is the latest year with every province's score ({n} provinces). {name}: {own}, rank "
                   "{rank} of {n}; median province {median}; highest {top}; lowest {bottom}."),
    "peers_title": ("{index} năm {y}: điểm tổng hợp của {n} tỉnh, thành phố\n(năm gần nhất có đủ mọi tỉnh)",
                    "{index} {y}: composite scores of the {n} provinces\n(latest year with every province)"),
    "peers_none": ("Chưa có năm nào có điểm của mọi tỉnh, thành phố cho {index}.",
                   "No year holds every province's {index} score."),
    "peers_absent": ("{name} không có điểm năm {y}.", "{name} has no {y} score."),
}


def _ix(key: str, lang: str, **values) -> str:
    return _pick(_IX[key], lang, **values)
